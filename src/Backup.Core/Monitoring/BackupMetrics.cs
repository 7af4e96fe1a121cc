using System.Diagnostics.Metrics;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Core.Monitoring;

/// <summary>
/// The library's <see cref="Meter"/> (<see cref="MeterName"/>). Instrument names are
/// Prometheus names without units (so OpenTelemetry's Prometheus exporter adds no suffix), shown as
/// <c>backup_total_backups</c> (completed backups, as the status counts them), <c>backup_success_rate</c>
/// (no sample while the store holds no backup), <c>backup_storage_used</c> (bytes),
/// <c>backup_last_success_time</c> (Unix seconds), <c>backup_duration_seconds{type}</c>; and the counters
/// <c>backup_runs_total{type,outcome}</c>, <c>backup_bytes_written_total{type}</c> (every series from 0), <c>backup_slot_retained_wal_bytes{slot}</c>,
/// <c>backup_drill_last_success_time</c> (Unix seconds) and <c>backup_drill_duration_seconds{outcome}</c>. The gauges show
/// the <see cref="BackupCatalog"/> they are given as it last listed the store (at start, see
/// <c>CatalogLoader</c>, or a status or analytics call, or the first backup of this process), and no sample before that, kept current by the catalog itself with the
/// backups this process saves and deletes — without reading the whole catalog again after every
/// backup, and without a second copy of it here.
/// </summary>
public sealed class BackupMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in an exporter (<c>AddMeter(BackupMetrics.MeterName)</c>).</summary>
    public const string MeterName = "Backup.Core";

    private readonly Meter _meter;
    private readonly RunCounts _counts = new();
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
        // Observable counters over this process's totals: every type and outcome is reported from the
        // start, at 0, so the first failure after a restart is an increase (0 -> 1) that increase() and
        // rate() see, not a new series starting at 1 that they miss; and a backup finished before an
        // exporter subscribed is still counted (a Counter's Add with no listener is lost).
        _meter.CreateObservableCounter("backup_runs", _counts.Runs, description: "Backups finished by this process, by type and outcome (success, failure).");
        _meter.CreateObservableCounter("backup_bytes_written", _counts.Bytes, description: "Bytes stored by this process's completed backups, by type.");
        // No unit on any instrument: OpenTelemetry's Prometheus exporter would append it to the name
        // (backup_duration_seconds_seconds, backup_storage_used_bytes), and these names are the documented ones.
        _duration = _meter.CreateHistogram<double>("backup_duration_seconds", description: "How long completed backups took, by type, in seconds.");
        // The catalog's gauges have no sample until the catalog is loaded (CatalogLoader lists it at
        // start): a 0 after a restart would fire an age-of-last-success alert on every deploy.
        _meter.CreateObservableGauge("backup_total_backups", () => Catalogued(a => (double)a.SuccessfulBackups), description: "Completed backups in the store (the status's totalBackups; failed ones are not counted).");
        _meter.CreateObservableGauge("backup_success_rate", () => Catalogued(a => a.TotalBackups == 0 ? null : a.SuccessRate), description: "Completed backups / completed and failed backups in the store, 0..1; no sample while there are none.");
        _meter.CreateObservableGauge("backup_storage_used", () => Catalogued(a => a.TotalStorageBytes), description: "Bytes stored by completed backups.");
        _meter.CreateObservableGauge("backup_last_success_time", () => Catalogued(a => a.LastSuccess?.ToUnixTimeMilliseconds() / 1000.0 ?? 0), description: "When the newest completed backup finished, Unix seconds (0: none).");
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
        _counts.Add(type, succeeded, storedBytes);
        if (succeeded)
        {
            _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("type", Diagnostics.BackupTracing.TypeTag(type)));
        }
    }

    // One sample of the catalog's figures, or none before the catalog is loaded (or when the figure has none).
    private IEnumerable<Measurement<double>> Catalogued(Func<BackupAnalytics, double?> figure)
    {
        if (Loaded && figure(Analytics) is { } value)
        {
            yield return new Measurement<double>(value);
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
