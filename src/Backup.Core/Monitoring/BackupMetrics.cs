using System.Diagnostics.Metrics;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Core.Monitoring;

/// <summary>
/// The library's <see cref="Meter"/> (<see cref="MeterName"/>). Instrument names are
/// Prometheus names, so an exporter shows them as they are: <c>backup_total_backups</c>,
/// <c>backup_success_rate</c>, <c>backup_storage_used</c> (bytes), <c>backup_last_success_time</c>
/// (Unix seconds), <c>backup_duration_seconds{type}</c>; and <c>backup_runs{type,outcome}</c>,
/// <c>backup_bytes_written{type}</c>, <c>backup_slot_retained_wal_bytes{slot}</c>,
/// <c>backup_drill_last_success_time</c> (Unix seconds) and <c>backup_drill_duration_seconds{outcome}</c>. The gauges show
/// the <see cref="BackupCatalog"/> they are given as it last listed the store (status or analytics
/// call, or the first backup of this process), kept current by the catalog itself with the
/// backups this process saves and deletes — without reading the whole catalog again after every
/// backup, and without a second copy of it here.
/// </summary>
public sealed class BackupMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in an exporter (<c>AddMeter(BackupMetrics.MeterName)</c>).</summary>
    public const string MeterName = "Backup.Core";

    private readonly Meter _meter;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private static readonly BackupAnalytics None = BackupAnalytics.Of([]);
    private readonly BackupCatalog _catalog;
    private volatile Figures? _figures;
    private volatile IReadOnlyList<SlotStatus> _slots = [];
    private readonly Histogram<double> _drillDuration;
    private long _drillLastSuccessMilliseconds;

    /// <summary>Creates the instruments.</summary>
    /// <param name="catalog">The catalog the gauges show: the one the backups are saved, listed and deleted through.</param>
    /// <param name="meterFactory">Creates the meter; a meter of its own when null.</param>
    internal BackupMetrics(BackupCatalog catalog, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _runs = _meter.CreateCounter<long>("backup_runs", description: "Backups finished, by type and outcome (success, failure).");
        _bytes = _meter.CreateCounter<long>("backup_bytes_written", description: "Bytes stored by completed backups, by type.");
        _duration = _meter.CreateHistogram<double>("backup_duration_seconds", description: "How long completed backups took, by type, in seconds.");
        _meter.CreateObservableGauge("backup_total_backups", () => (long)Analytics.TotalBackups, description: "Backups in the store (completed and failed).");
        _meter.CreateObservableGauge("backup_success_rate", () => Analytics.SuccessRate, description: "Completed backups / all backups in the store, 0..1.");
        _meter.CreateObservableGauge("backup_storage_used", () => Analytics.TotalStorageBytes, description: "Bytes stored by completed backups.");
        _meter.CreateObservableGauge("backup_last_success_time", () => Analytics.LastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, description: "When the newest completed backup finished, Unix seconds (0: none).");
        _drillDuration = _meter.CreateHistogram<double>("backup_drill_duration_seconds", description: "How long restore drills took to recover (restore, replay, verification, checks), by outcome, in seconds.");
        _meter.CreateObservableGauge("backup_drill_last_success_time", () => Interlocked.Read(ref _drillLastSuccessMilliseconds) / 1000.0, description: "When the newest successful restore drill this process knows of finished, Unix seconds (0: none).");
        _meter.CreateObservableGauge("backup_slot_retained_wal_bytes", () => _slots.Select(s => new Measurement<long>(s.RetainedWalBytes, new KeyValuePair<string, object?>("slot", s.Name))), description: "WAL each change-capture slot holds on the server.");
    }

    /// <summary>The figures the gauges show now: of the catalog's manifests once it has listed them all.</summary>
    public BackupAnalytics Analytics
    {
        get
        {
            if (_catalog.Indexed is not { } all)
            {
                return None;
            }
            var figures = _figures;
            if (!ReferenceEquals(figures?.Of, all))
            {
                // The catalog hands out the same list until it changes: figures are computed once per change, not per gauge.
                figures = new Figures(all, BackupAnalytics.Of(all));
                _figures = figures;
            }
            return figures.Analytics;
        }
    }

    /// <summary>Counts a finished backup.</summary>
    internal void Finished(BackupType type, bool succeeded, TimeSpan duration, long storedBytes)
    {
        var typeTag = new KeyValuePair<string, object?>("type", type.ToString().ToLowerInvariant());
        _runs.Add(1, typeTag, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
        if (succeeded)
        {
            _bytes.Add(storedBytes, typeTag);
            _duration.Record(duration.TotalSeconds, typeTag);
        }
    }

    /// <summary>Counts a finished restore drill; a success moves the last-success gauge (never back).</summary>
    internal void DrillFinished(bool succeeded, DateTimeOffset finishedAt, double seconds)
    {
        _drillDuration.Record(seconds, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
        if (succeeded)
        {
            ShowDrillSuccess(finishedAt);
        }
    }

    /// <summary>A successful drill read from the store (after a restart the gauge starts at the newest recorded one).</summary>
    internal void ShowDrillSuccess(DateTimeOffset finishedAt)
    {
        var milliseconds = finishedAt.ToUnixTimeMilliseconds();
        var seen = Interlocked.Read(ref _drillLastSuccessMilliseconds);
        while (milliseconds > seen)
        {
            var before = Interlocked.CompareExchange(ref _drillLastSuccessMilliseconds, milliseconds, seen);
            if (before == seen)
            {
                return;
            }
            seen = before;
        }
    }

    /// <summary>
    /// Whether the catalog has read every manifest once (a listing of all of them); until then the
    /// gauges have no whole catalog to show (they read zero), and a listing of every manifest loads it.
    /// </summary>
    public bool Loaded => _catalog.Indexed is not null;

    /// <summary>The change-capture slots the slot gauge shows, as status just read them.</summary>
    internal void ShowSlots(IReadOnlyList<SlotStatus> slots) => _slots = slots;

    /// <summary>Adds continuous capture's instruments (<see cref="Continuous.CaptureMetrics"/>) to the meter.</summary>
    internal void ShowCapture(Continuous.CaptureState capture) => Continuous.CaptureMetrics.Register(_meter, capture);

    /// <summary>The catalog whose manifests the gauges show.</summary>
    internal BackupCatalog Catalog => _catalog;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private sealed record Figures(IReadOnlyList<BackupManifest> Of, BackupAnalytics Analytics);
}
