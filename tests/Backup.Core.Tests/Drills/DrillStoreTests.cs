using System.Diagnostics.Metrics;
using Backup.Core.Catalog;
using Backup.Core.Drills;
using Backup.Core.Monitoring;
using Backup.Storage.Testing;

namespace Backup.Core.Tests.Drills;

public sealed class DrillStoreTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task List_RecordsSavedOutOfOrder_NewestFirstAndWhole()
    {
        var store = new DrillStore(new MemoryStorageProvider());
        var older = Record(Monday, success: true) with { BackupIds = ["a", "b"], Phases = new DrillPhases { RestoreSeconds = 1.5 }, Checks = [new DrillCheckResult("c", true, "returned true")] };
        var newer = Record(Monday.AddDays(7), success: false) with { Error = "The check 'c' returned false, not true." };
        await store.SaveAsync(newer, CancellationToken.None);
        await store.SaveAsync(older, CancellationToken.None);

        var listed = await store.ListAsync(CancellationToken.None).ToListAsync();

        Assert.Equal([newer.Id, older.Id], listed.Select(r => r.Id));
        Assert.Equal(newer.Error, listed[0].Error);
        Assert.Equal(["a", "b"], listed[1].BackupIds);
        Assert.Equal(1.5, listed[1].Phases.RestoreSeconds);
        Assert.Equal(older.Checks, listed[1].Checks);
    }

    [Fact]
    public void NewId_LaterMoment_SortsAfterAndTwoOfOneMillisecondDiffer()
    {
        var first = DrillStore.NewId(Monday);
        var again = DrillStore.NewId(Monday);
        var later = DrillStore.NewId(Monday.AddMilliseconds(1));

        Assert.NotEqual(first, again);
        Assert.True(string.CompareOrdinal(later, first) > 0 && string.CompareOrdinal(later, again) > 0);
        Assert.StartsWith("20261130T030000000Z-", first, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_DrillsFinished_DurationByOutcomeAndLastSuccessNeverMovesBack()
    {
        using var metrics = new BackupMetrics(new BackupCatalog(new MemoryStorageProvider()));
        var durations = new List<(double Seconds, string Outcome)>();
        double lastSuccess = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BackupMetrics.MeterName && instrument.Name.StartsWith("backup_drill_", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "backup_drill_duration_seconds")
            {
                durations.Add((value, (string)tags[0].Value!));
            }
            else if (instrument.Name == "backup_drill_last_success_time")
            {
                lastSuccess = value;
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Equal(0, lastSuccess);
        metrics.DrillFinished(true, Monday.AddDays(7), 12.5);
        metrics.DrillFinished(false, Monday.AddDays(8), 3);
        metrics.ShowDrillSuccess(Monday);
        listener.RecordObservableInstruments();

        Assert.Equal([(12.5, "success"), (3, "failure")], durations);
        Assert.Equal(Monday.AddDays(7).ToUnixTimeSeconds(), lastSuccess);
    }

    private static DrillRecord Record(DateTimeOffset at, bool success) =>
        new() { Id = DrillStore.NewId(at), StartedAt = at, FinishedAt = at.AddMinutes(1), Success = success, ScratchDatabase = "backup_drill_x" };
}
