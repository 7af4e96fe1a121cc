using System.Diagnostics.Metrics;

namespace Backup.Core.Continuous;

/// <summary>Continuous capture's instruments on the library's meter: they read <see cref="CaptureState"/>, and say nothing while capture does not run.</summary>
internal static class CaptureMetrics
{
    public static void Register(Meter meter, CaptureState state)
    {
        meter.CreateObservableGauge(
            "backup_recovery_point_lag_seconds",
            () => state.Running && state.Snapshot().RecoveryPointLag is { } lag ? [new Measurement<double>(lag.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            description: "Now minus the newest commit time up to which every change is stored by continuous capture, in seconds.");
        meter.CreateObservableCounter(
            "backup_capture_segments",
            () => state.Running ? [new Measurement<long>(state.SegmentsStored)] : Array.Empty<Measurement<long>>(),
            description: "Change segments continuous capture stored since the process started.");
        meter.CreateObservableCounter(
            "backup_capture_bytes",
            () => state.Running ? [new Measurement<long>(state.SegmentBytesStored)] : Array.Empty<Measurement<long>>(),
            description: "Bytes of change segments continuous capture stored since the process started.");
        meter.CreateObservableCounter(
            "backup_compaction_segments_merged",
            () => state.Running ? [new Measurement<long>(state.SegmentsCompacted)] : Array.Empty<Measurement<long>>(),
            description: "Change segments compaction merged into hourly ones while capture ran, since the process started.");
        meter.CreateObservableCounter(
            "backup_compaction_objects_removed",
            () => state.Running ? [new Measurement<long>(state.ObjectsRemovedByCompaction)] : Array.Empty<Measurement<long>>(),
            description: "Stored objects compaction removed (data and manifests of merged segments, less the merged ones written), since the process started.");
        meter.CreateObservableGauge(
            "backup_capture_spool_bytes",
            () => state.Running ? [new Measurement<long>(state.SpooledBytes)] : Array.Empty<Measurement<long>>(),
            description: "Bytes of change segments waiting in the spool for the store.");
        meter.CreateObservableGauge(
            "backup_capture_faults",
            () => state.Running ? state.Snapshot().Faults.Select(f => new Measurement<long>(1, new KeyValuePair<string, object?>("fault", f.Fault.ToString()))) : [],
            description: "The faults continuous capture is in now, one series per fault (database unreachable, store unreachable, spool full, needs a full backup).");
    }
}
