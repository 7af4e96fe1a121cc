using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compaction;
using Backup.Core.Continuous;
using Backup.Core.Health;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NpgsqlTypes;

namespace Backup.IntegrationTests.Continuous;

/// <summary>
/// Continuous capture against the real server under pgbench load: recovery to moments recorded
/// while it ran is exact, also across a connection the server cut, a store that was down for a
/// while, and a spool too small to hold what came meanwhile; the server is only told what the store holds.
/// </summary>
public sealed class ContinuousCaptureTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_cc_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _spool = new();
    private readonly string _key = Services.NewKey();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await PgbenchMoments.InitializeAsync(_database);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose()
    {
        _store.Dispose();
        _spool.Dispose();
    }

    [Fact]
    public async Task UnderPgbenchLoad_EveryMomentRecoversExactly_AcrossACutConnectionAndACompaction()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var moments = new List<(DateTimeOffset At, SortedDictionary<string, string> Hashes)>();
        var cut = 0L;
        SegmentCompactionResult? compacted = null;
        var stored = 0L;
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            var load = PgbenchMoments.RunAsync(_database, "-n", "-c", "2", "-j", "2", "-T", "8");
            while (!load.IsCompleted)
            {
                await Task.Delay(1000);
                moments.Add(await PgbenchMoments.RecordAsync(_database));
                if (moments.Count == 3)
                {
                    // As a failover or a restart would: the capture must reconnect and lose nothing.
                    cut = await TestServer.ScalarAsync<long>("postgres", $"SELECT count(pg_terminate_backend(active_pid)) FROM pg_replication_slots WHERE database = '{_database}' AND active_pid IS NOT NULL");
                }
                if (moments.Count == 5)
                {
                    // Everything stored so far, the segment capture continues from included.
                    compacted = await service.CompactSegmentsAsync(new SegmentCompactionOptions { CompactAfter = TimeSpan.Zero });
                }
            }
            await load;
            moments.Add(await PgbenchMoments.RecordAsync(_database));
            // Two writers of one chain would fork it: the capture's segments already are its incrementals.
            await Assert.ThrowsAsync<BackupInProgressException>(() => service.CreateIncrementalBackupAsync());
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().RecoveryPoint >= moments[^1].At, "the recovery point to pass the last moment");
            stored = service.GetContinuousCaptureStatus().SegmentsStored;
        });

        Assert.Equal(1, cut);
        Assert.True(compacted is { SegmentsMerged: > 1, FailedGroups: 0 }, $"{compacted}");
        var segments = await service.ListBackupsAsync(new BackupQuery { Type = BackupType.Incremental });
        // Compaction merged what was stored by the fifth moment: one merged link, then the segments after it.
        Assert.True(stored >= 5, $"only {stored} segments stored");
        Assert.True(segments.Count >= 2 && segments.Count >= stored - compacted!.SegmentsMerged + compacted.SegmentsWritten, $"{segments.Count} links listed, {stored} segments stored, {compacted}");
        Assert.All(segments, s => Assert.Equal(ManifestProperties.ContinuousSegment, s.Properties[ManifestProperties.Capture]));
        await AssertServerToldOnlyWhatIsStoredAsync(segments);
        foreach (var (at, hashes) in moments)
        {
            var recovered = await service.PointInTimeRecoveryAsync(at);
            _recovered.Add(recovered.TargetDatabase);
            Assert.Equal(hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
            await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
        }
    }

    [Fact]
    public async Task StoreDown_SegmentsWaitInTheSpool_HealthIsDegraded_AndNothingIsLost()
    {
        var store = new OutageStorage(_store.Path);
        using var provider = Build(store);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        (DateTimeOffset At, SortedDictionary<string, string> Hashes) end = default;
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            await PgbenchMoments.RunAsync(_database, "-n", "-c", "1", "-T", "1");
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().SegmentsStored > 0, "a first segment to be stored");
            store.Down = true;
            // An upload (and its confirmation) already under way when the store went down settles first.
            await Task.Delay(1000);
            var storedBefore = service.GetContinuousCaptureStatus().SegmentsStored;
            var confirmedBefore = await ConfirmedFlushAsync();
            await PgbenchMoments.RunAsync(_database, "-n", "-c", "1", "-T", "3");
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().Faults.Any(f => f.Fault == CaptureFault.StoreUnreachable), "the store fault");
            await CaptureRun.WaitUntilAsync(() => Directory.EnumerateFiles(_spool.Path, "*.changes*", SearchOption.AllDirectories).Any(), "segments in the spool");

            var health = await ActivatorUtilities.CreateInstance<BackupHealthCheck>(provider).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Degraded, health.Status);
            Assert.Contains("store", health.Description, StringComparison.Ordinal);
            Assert.Equal(storedBefore, service.GetContinuousCaptureStatus().SegmentsStored);
            // Nothing the store does not hold is confirmed: the server keeps it.
            Assert.Equal(confirmedBefore, await ConfirmedFlushAsync());

            end = await PgbenchMoments.RecordAsync(_database);
            store.Down = false;
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus() is { Faults.Count: 0 } s && s.RecoveryPoint >= end.At, "the spool to drain");
        });

        Assert.True(store.Refused > 0);
        Assert.Empty(Directory.EnumerateFiles(_spool.Path, "*.changes*", SearchOption.AllDirectories));
        var recovered = await service.PointInTimeRecoveryAsync(end.At);
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal(end.Hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
        await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
    }

    [Fact]
    public async Task SpoolFull_ReadingStops_TheServerKeepsTheWal_AndCaptureCatchesUpAfterwards()
    {
        var store = new OutageStorage(_store.Path);
        using var provider = Build(store, o => o.SpoolLimitMegabytes = 1);
        var service = provider.Service();
        await TestServer.ExecuteAsync(_database, "CREATE TABLE bulk (id bigserial PRIMARY KEY, v text NOT NULL)");
        await service.CreateFullBackupAsync();
        (DateTimeOffset At, SortedDictionary<string, string> Hashes) end = default;
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            store.Down = true;
            // One transaction of some 13 MB (6 MB compressed): one segment, past the spool's limit of 1 MB.
            await TestServer.ExecuteAsync(_database, "INSERT INTO bulk (v) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 200000)");
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().Faults.Any(f => f.Fault == CaptureFault.SpoolFull), "the spool to fill");
            var spooled = service.GetContinuousCaptureStatus().SpooledBytes;
            var (walBefore, confirmedBefore) = (await CurrentWalAsync(), await ConfirmedFlushAsync());
            await PgbenchMoments.RunAsync(_database, "-n", "-c", "2", "-j", "2", "-T", "3");
            await Task.Delay(1000);
            // Nothing more enters the spool: the capture stopped taking segments, and confirms nothing,
            // so the server keeps every byte of WAL after the position confirmed before the outage.
            Assert.InRange(spooled, 1 << 20, 16 << 20);
            Assert.Equal(spooled, service.GetContinuousCaptureStatus().SpooledBytes);
            Assert.Equal(confirmedBefore, await ConfirmedFlushAsync());
            var written = await CurrentWalAsync() - walBefore;
            var restart = (ulong)NpgsqlLogSequenceNumber.Parse(await TestServer.ScalarAsync<string>("postgres", $"SELECT restart_lsn::text FROM pg_replication_slots WHERE database = '{_database}'"));
            Assert.True(restart <= confirmedBefore && written > 0, $"the slot should keep all WAL after its confirmed position ({written} bytes written meanwhile)");

            end = await PgbenchMoments.RecordAsync(_database);
            store.Down = false;
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus() is { Faults.Count: 0 } s && s.RecoveryPoint >= end.At, "the capture to catch up", TimeSpan.FromSeconds(90));
        });

        var recovered = await service.PointInTimeRecoveryAsync(end.At);
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal(end.Hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
        await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
    }

    [Fact]
    public async Task SlotLagLimit_DropsTheSlotOfAStalledCapture_WhichThenStopsAndTurnsHealthUnhealthy()
    {
        var store = new OutageStorage(_store.Path);
        using var provider = Build(store, o => o.SpoolLimitMegabytes = 1, maxSlotLagMegabytes: 1);
        var service = provider.Service();
        await TestServer.ExecuteAsync(_database, "CREATE TABLE bulk (id bigserial PRIMARY KEY, v text NOT NULL)");
        await service.CreateFullBackupAsync();
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            store.Down = true;
            await TestServer.ExecuteAsync(_database, "INSERT INTO bulk (v) SELECT md5(random()::text) || md5(random()::text) FROM generate_series(1, 200000)");
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().Faults.Any(f => f.Fault == CaptureFault.SpoolFull), "the spool to fill");
            await PgbenchMoments.RunAsync(_database, "-n", "-c", "1", "-T", "2");
            store.Down = false;

            // The slot is in use by the stalled capture; the limit drops it all the same.
            Assert.Single(await service.EnforceSlotLagLimitAsync());
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().Faults.Any(f => f.Fault == CaptureFault.NeedsFullBackup), "the capture to stop on the missing slot");
            var health = await ActivatorUtilities.CreateInstance<BackupHealthCheck>(provider).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("continuous capture stopped", health.Description, StringComparison.Ordinal);
        });
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_replication_slots WHERE database = '{_database}'"));
    }

    [Fact]
    public async Task LargeTransactionStreamedAcrossSegmentCuts_ArrivesWhole_WithoutItsRolledBackWork()
    {
        // The walsender streams any transaction past 64 kB of changes while it still runs.
        using var provider = Build(connectionOptions: ";Options=-c logical_decoding_work_mem=64kB");
        var service = provider.Service();
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, note text)");
        await service.CreateFullBackupAsync();
        (DateTimeOffset At, SortedDictionary<string, string> Hashes) end = default;
        var storedBefore = 0L;
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            // Small transactions commit (and segments are cut) while the big one streams.
            var small = PgbenchMoments.RunAsync(_database, "-n", "-c", "1", "-T", "4");
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().SegmentsStored > 0, "a first segment");
            storedBefore = service.GetContinuousCaptureStatus().SegmentsStored;
            await TestServer.ExecuteAsync(_database, """
                BEGIN;
                INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g;
                SELECT pg_sleep(1.5);
                SAVEPOINT s;
                INSERT INTO items SELECT g, 'rolled back' FROM generate_series(20001, 40000) g;
                ROLLBACK TO SAVEPOINT s;
                INSERT INTO items VALUES (50000, 'after the savepoint');
                COMMIT;
                """);
            await small;
            end = await PgbenchMoments.RecordAsync(_database);
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().RecoveryPoint >= end.At, "the recovery point to pass the big transaction");
            Assert.True(service.GetContinuousCaptureStatus().SegmentsStored - storedBefore >= 3, "segments should have been cut while the big transaction streamed");
        });

        var recovered = await service.PointInTimeRecoveryAsync(end.At);
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal(end.Hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
        Assert.Equal(20001L, await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT count(*) FROM items"));
    }

    [Fact]
    public async Task SecondReplica_StandsBy_IncrementalsElsewhereAreRefused_AndItTakesOverWhenTheFirstStops()
    {
        using var first = Build();
        using var second = Build(configure: o => o.SpoolDirectory = Path.Combine(_spool.Path, "second"));
        using var withoutCapture = Build();
        var service = first.Service();
        await service.CreateFullBackupAsync();
        var standby = second.GetRequiredService<ContinuousCapture>();
        using var stopSecond = new CancellationTokenSource();
        var secondRuns = Task.CompletedTask;
        await CaptureRun.WithCaptureAsync(first, async () =>
        {
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().SegmentsStored > 0, "the first replica's first segment");
            secondRuns = standby.RunAsync(stopSecond.Token);
            await CaptureRun.WaitUntilAsync(() => second.Service().GetContinuousCaptureStatus().Faults.Any(f => f.Fault == CaptureFault.StandingBy), "the second replica to stand by");
            var health = await ActivatorUtilities.CreateInstance<BackupHealthCheck>(second).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, health.Status);
            // A process that does not capture would fork the chain if it drained the slot.
            var refused = await Assert.ThrowsAsync<BackupInProgressException>(() => withoutCapture.Service().CreateIncrementalBackupAsync());
            Assert.Contains("another process", refused.Message, StringComparison.Ordinal);
        });
        try
        {
            await PgbenchMoments.RunAsync(_database, "-n", "-c", "1", "-T", "2");
            var end = await PgbenchMoments.RecordAsync(_database);
            await CaptureRun.WaitUntilAsync(() => second.Service().GetContinuousCaptureStatus() is { Faults.Count: 0 } s && s.RecoveryPoint >= end.At, "the second replica to take over", TimeSpan.FromSeconds(60));
            var recovered = await service.PointInTimeRecoveryAsync(end.At);
            _recovered.Add(recovered.TargetDatabase);
            Assert.Equal(end.Hashes, await PgbenchMoments.HashesAsync(recovered.TargetDatabase));
            await PgbenchMoments.AssertBalancedAsync(recovered.TargetDatabase);
        }
        finally
        {
            await stopSecond.CancelAsync();
            await secondRuns;
        }
    }

    [Fact]
    public async Task IdleDatabase_RecoveryPointStillMoves()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await CaptureRun.WithCaptureAsync(provider, async () =>
        {
            var started = DateTimeOffset.UtcNow;
            await CaptureRun.WaitUntilAsync(() => service.GetContinuousCaptureStatus().RecoveryPoint > started.AddSeconds(2), "idle markers to move the recovery point");
            var status = await service.GetBackupStatusAsync();
            Assert.NotNull(status.ContinuousCapture);
            Assert.InRange(status.ContinuousCapture!.RecoveryPointLag!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            // The store's own answer, which any process reads: the newest chain's window reaches the markers' segments too.
            Assert.True(status.RecoverableUntil > started.AddSeconds(2), $"recoverable until {status.RecoverableUntil}, capture started {started}");
        });
    }

    private ServiceProvider Build(OutageStorage? store = null, Action<ContinuousCaptureOptions>? configure = null, long? maxSlotLagMegabytes = null, string connectionOptions = "") =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, _key, b =>
        {
            b.UsePostgres(TestServer.ConnectionString(_database) + connectionOptions, o =>
            {
                o.ToolsDirectory = TestServer.ToolsDirectory;
                o.ChangeCapture = true;
                o.MaxSlotLagMegabytes = maxSlotLagMegabytes;
            });
            if (store is not null)
            {
                b.UseStorage(_ => store);
            }
            b.UseContinuousCapture(o =>
            {
                o.FlushInterval = TimeSpan.FromMilliseconds(200);
                o.IdleMarkerInterval = TimeSpan.FromSeconds(1);
                o.MaxRetryDelay = TimeSpan.FromSeconds(1);
                o.SpoolDirectory = _spool.Path;
                configure?.Invoke(o);
            });
        });

    private async Task AssertServerToldOnlyWhatIsStoredAsync(IReadOnlyList<BackupManifest> segments)
    {
        var storedEnd = segments.Max(s => (ulong)NpgsqlLogSequenceNumber.Parse(s.EndLsn!));
        Assert.InRange(await ConfirmedFlushAsync(), 1UL, storedEnd);
    }

    private async Task<ulong> ConfirmedFlushAsync() =>
        (ulong)NpgsqlLogSequenceNumber.Parse(await TestServer.ScalarAsync<string>("postgres", $"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE database = '{_database}'"));

    private static Task<long> CurrentWalAsync() =>
        TestServer.ScalarAsync<long>("postgres", "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
}
