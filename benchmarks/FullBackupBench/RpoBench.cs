using System.Diagnostics;
using System.Globalization;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

/// <summary>
/// <c>FullBackupBench rpo SECONDS</c>, for scripts/bench-rpo.sh: continuous capture (the library's
/// hosted service, FlushInterval 1 s) records the chain while pgbench runs at full rate; a sampler
/// commits a probe row every ~100 ms, and a sample's lag is the moment the capture's recovery point
/// first reaches its commit minus the commit. Prints one line of key=value figures.
/// </summary>
internal static class RpoBench
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(string connectionString, Action<Backup.Core.DependencyInjection.BackupSystemBuilder> store, int seconds)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddLogging();
        builder.Services.AddBackupSystem(b =>
        {
            store(b);
            b.WithoutHostedScheduler().WithoutHostedSlotLagMonitor().UseContinuousCapture(o => o.FlushInterval = TimeSpan.FromSeconds(1));
        });
        builder.Services.PostConfigure<Backup.Core.Postgres.PostgresOptions>(o => o.ChangeCapture = true);
        using var host = builder.Build();
        var backups = host.Services.GetRequiredService<BackupService>();
        var full = await backups.CreateFullBackupAsync();
        await host.StartAsync();
        await using var probe = new NpgsqlConnection(connectionString);
        await probe.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO rpo_probe (at) VALUES (clock_timestamp())", probe);
        // Steady state only: the first segment (connection, slot start-up, JIT) is stored before the load begins.
        await insert.ExecuteNonQueryAsync();
        var warm = DateTimeOffset.UtcNow;
        while (!(backups.GetContinuousCaptureStatus().RecoveryPoint >= warm))
        {
            await Task.Delay(50);
        }

        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var segmentsBefore = backups.GetContinuousCaptureStatus().SegmentsStored;
        var load = RunPgbenchAsync(seconds);
        var pending = new Queue<DateTimeOffset>();
        var lags = new List<double>();
        var started = DateTimeOffset.UtcNow;
        var maxAt = 0.0;
        var nextSample = TimeSpan.Zero;
        while (!load.IsCompleted || pending.Count > 0)
        {
            if (!load.IsCompleted && wall.Elapsed >= nextSample)
            {
                await insert.ExecuteNonQueryAsync();
                // Taken once the commit returned: at most the round trip later than the server's commit time.
                pending.Enqueue(DateTimeOffset.UtcNow);
                nextSample = wall.Elapsed + SampleEvery;
            }
            var point = backups.GetContinuousCaptureStatus().RecoveryPoint;
            var now = DateTimeOffset.UtcNow;
            while (pending.Count > 0 && point >= pending.Peek())
            {
                var at = pending.Dequeue();
                lags.Add((now - at).TotalSeconds);
                maxAt = lags[^1] >= lags.Max() ? (at - started).TotalSeconds : maxAt;
            }
            await Task.Delay(5);
        }
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalSeconds;
        var elapsed = wall.Elapsed.TotalSeconds;
        var segments = backups.GetContinuousCaptureStatus().SegmentsStored - segmentsBefore;
        await host.StopAsync();
        var pgbench = await load;

        long changes = 0, transactions = 0;
        // Where the time goes, per segment: from its first commit to its manifest written (the lag of
        // that commit), and the part of it after the segment opened (its first change arrived).
        var firstToStored = new List<double>();
        var openToStored = new List<double>();
        foreach (var summary in await backups.ListBackupsAsync(new BackupQuery { Type = BackupType.Incremental, Status = BackupStatus.Completed }))
        {
            var segment = await backups.GetBackupAsync(summary.Id);
            changes += segment.ChangeCount ?? 0;
            transactions += segment.TransactionCount ?? 0;
            if (segment is { FirstCommitAt: { } first, CompletedAt: { } stored } && segment.StartedAt >= started)
            {
                firstToStored.Add((stored - first).TotalSeconds);
                openToStored.Add((stored - segment.StartedAt).TotalSeconds);
            }
        }
        firstToStored.Sort();
        openToStored.Sort();
        lags.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"samples={lags.Count} p50={Percentile(lags, 0.50):0.000} p99={Percentile(lags, 0.99):0.000} max={lags[^1]:0.000} max_at={maxAt:0.0} wall={elapsed:0.0} cpu={cpu:0.00} segments={segments} changes={changes} transactions={transactions} first_commit_to_stored_p50={Percentile(firstToStored, 0.5):0.000} first_commit_to_stored_max={firstToStored[^1]:0.000} opened_to_stored_p50={Percentile(openToStored, 0.5):0.000} full={full.Id} {pgbench}"));
        return 0;
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    // pgbench at its full rate (2 clients on 2 cores), from PATH and the PG* variables; returns its tps as tps=<n>.
    private static async Task<string> RunPgbenchAsync(int seconds)
    {
        var info = new ProcessStartInfo("pgbench") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-n", "-T", seconds.ToString(CultureInfo.InvariantCulture), "-c", "2", "-j", "2", Environment.GetEnvironmentVariable("BENCH_DATABASE") ?? "bench" })
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench failed: {await errors}");
        }
        var tps = output.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal)).Split(' ')[2];
        return "tps=" + tps;
    }
}
