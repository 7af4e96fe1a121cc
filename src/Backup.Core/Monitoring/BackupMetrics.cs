using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Core.Monitoring;

/// <summary>
/// The library's <see cref="Meter"/> (<see cref="MeterName"/>). Instrument names are the seed's
/// Prometheus names, so an exporter shows them as they are: <c>backup_total_backups</c>,
/// <c>backup_success_rate</c>, <c>backup_storage_used</c> (bytes), <c>backup_last_success_time</c>
/// (Unix seconds), <c>backup_duration_seconds{type}</c>; and <c>backup_runs{type,outcome}</c>,
/// <c>backup_bytes_written{type}</c>, <c>backup_slot_retained_wal_bytes{slot}</c>. The gauges show
/// the catalog as last read (status or analytics call, or the first backup of this process), kept
/// current with the backups this process makes and deletes — without reading the whole catalog
/// again after every backup.
/// </summary>
public sealed class BackupMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in an exporter (<c>AddMeter(BackupMetrics.MeterName)</c>).</summary>
    public const string MeterName = "Backup.Core";

    private readonly Meter _meter;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private readonly ConcurrentDictionary<string, BackupManifest> _known = new(StringComparer.Ordinal);
    private volatile BackupAnalytics _analytics = BackupAnalytics.Of([]);
    private volatile IReadOnlyList<SlotStatus> _slots = [];

    /// <summary>Creates the instruments.</summary>
    public BackupMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _runs = _meter.CreateCounter<long>("backup_runs", description: "Backups finished, by type and outcome (success, failure).");
        _bytes = _meter.CreateCounter<long>("backup_bytes_written", description: "Bytes stored by completed backups, by type.");
        _duration = _meter.CreateHistogram<double>("backup_duration_seconds", description: "How long completed backups took, by type, in seconds.");
        _meter.CreateObservableGauge("backup_total_backups", () => (long)_analytics.TotalBackups, description: "Backups in the store (completed and failed).");
        _meter.CreateObservableGauge("backup_success_rate", () => _analytics.SuccessRate, description: "Completed backups / all backups in the store, 0..1.");
        _meter.CreateObservableGauge("backup_storage_used", () => _analytics.TotalStorageBytes, description: "Bytes stored by completed backups.");
        _meter.CreateObservableGauge("backup_last_success_time", () => _analytics.LastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0, description: "When the newest completed backup finished, Unix seconds (0: none).");
        _meter.CreateObservableGauge("backup_slot_retained_wal_bytes", () => _slots.Select(s => new Measurement<long>(s.RetainedWalBytes, new KeyValuePair<string, object?>("slot", s.Name))), description: "WAL each change-capture slot holds on the server.");
    }

    /// <summary>The figures the gauges show now.</summary>
    public BackupAnalytics Analytics => _analytics;

    /// <summary>Counts a finished backup.</summary>
    public void Finished(BackupType type, bool succeeded, TimeSpan duration, long storedBytes)
    {
        var typeTag = new KeyValuePair<string, object?>("type", type.ToString().ToLowerInvariant());
        _runs.Add(1, typeTag, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
        if (succeeded)
        {
            _bytes.Add(storedBytes, typeTag);
            _duration.Record(duration.TotalSeconds, typeTag);
        }
    }

    /// <summary>Whether the whole catalog has been read once (<see cref="Update"/>); until then <see cref="Record"/> has nothing to add to.</summary>
    public bool Loaded { get; private set; }

    /// <summary>Shows the whole catalog, as just read, and the slots when given.</summary>
    public void Update(IReadOnlyList<BackupManifest> all, IReadOnlyList<SlotStatus>? slots = null)
    {
        ArgumentNullException.ThrowIfNull(all);
        _known.Clear();
        foreach (var manifest in all)
        {
            _known[manifest.Id] = manifest;
        }
        _analytics = BackupAnalytics.Of(all);
        Loaded = true;
        if (slots is not null)
        {
            _slots = slots;
        }
    }

    /// <summary>Adds (or replaces) one backup this process stored.</summary>
    public void Record(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _known[manifest.Id] = manifest;
        _analytics = BackupAnalytics.Of([.. _known.Values]);
    }

    /// <summary>Removes a backup this process deleted.</summary>
    public void Forget(string id)
    {
        if (_known.TryRemove(id, out _))
        {
            _analytics = BackupAnalytics.Of([.. _known.Values]);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
