// One BackupService operation per process, for benchmarks/bench-full.sh, which times it against the
// shell tools in the same run. Prints "seconds=<s> peak_rss_mb=<MB> id=<backup id>".
//   FullBackupBench backup [zstd level]       (DATABASE_URL, BACKUP_DIR, BACKUP_ENCRYPTION_KEY from the environment)
//   FullBackupBench backup-warm [zstd level]  times a second backup in the same process: a long-running
//                                             host's case, without start-up, JIT and first-connection costs
//   FullBackupBench restore <id> <target database>
//   FullBackupBench incremental          (change capture on: prints transactions= changes=)
//   FullBackupBench restore-latest <target database>   (prints replay_seconds= changes=)
//   FullBackupBench download <id>        reads a backup's plain content from the store (decrypt, decompress, check) and discards it
//   FullBackupBench drill                a restore drill of the newest backups (prints success= bytes= and the phases' seconds)
//   FullBackupBench rpo <seconds> [s3 endpoint bucket]  continuous capture's recovery point lag under pgbench (RpoBench.cs)
// BENCH_JOBS=<n> in the environment sets Backup:Postgres:Jobs (issue #14's parallel full backup and restore)
// through the configuration the library binds its options from, so the bench needs no change when the option
// lands; a library without the option ignores the key (configuration binding skips unknown keys).
using System.Diagnostics;
using System.Globalization;
using Backup.Core;
using Backup.Core.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

if (args is ["rpo", var rpoSeconds, ..])
{
    // The probe's own connection, from the PG* variables the script exports (DATABASE_URL is the library's).
    var probe = $"Host={Environment.GetEnvironmentVariable("PGHOST")};Port={Environment.GetEnvironmentVariable("PGPORT")};Username={Environment.GetEnvironmentVariable("PGUSER")};Password={Environment.GetEnvironmentVariable("PGPASSWORD")};Database=bench";
    return await RpoBench.RunAsync(
        probe,
        args is [_, _, var endpoint, var bucket]
            ? b => b.UseS3Storage(o => { o.ServiceUrl = endpoint; o.BucketName = bucket; o.ForcePathStyle = true; })
            : _ => { },
        int.Parse(rpoSeconds, CultureInfo.InvariantCulture));
}

var level = args is ["backup" or "backup-warm", var given] ? int.Parse(given, CultureInfo.InvariantCulture) : 3;
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
    .AddBackupSystem(b => b.UseZstd(level));
if (Environment.GetEnvironmentVariable("BENCH_CHANGE_CAPTURE") == "1")
{
    services.PostConfigure<Backup.Core.Postgres.PostgresOptions>(o => o.ChangeCapture = true);
}
if (Environment.GetEnvironmentVariable("BENCH_JOBS") is { Length: > 0 } jobs)
{
    // AddBackupSystem binds its options from the IConfiguration in the container, as a host's would be.
    services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Backup:Postgres:Jobs"] = int.Parse(jobs, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) })
        .Build());
}
var extra = "";
using var provider = services.BuildServiceProvider();
var backups = provider.GetRequiredService<BackupService>();

var clock = Stopwatch.StartNew();
string id;
switch (args)
{
    case ["backup"] or ["backup", _]:
        var full = await backups.CreateFullBackupAsync(new FullBackupOptions { Encrypt = true });
        id = full.Id;
        extra = $" bytes={full.Content?.RawBytes}";
        break;
    case ["backup-warm"] or ["backup-warm", _]:
        await backups.CreateFullBackupAsync(new FullBackupOptions { Encrypt = true });
        clock.Restart();
        id = (await backups.CreateFullBackupAsync(new FullBackupOptions { Encrypt = true })).Id;
        break;
    case ["restore", var backupId, var target]:
        var result = await backups.RestoreFromBackupAsync(backupId, new RestoreOptions { TargetDatabase = target });
        if (result.RowCountMismatches.Count > 0)
        {
            Console.Error.WriteLine("row counts differ: " + string.Join("; ", result.RowCountMismatches));
            return 1;
        }
        id = backupId;
        break;
    case ["incremental"]:
        var incremental = await backups.CreateIncrementalBackupAsync();
        id = incremental.Id;
        extra = $" transactions={incremental.TransactionCount} changes={incremental.ChangeCount} bytes={incremental.Content?.RawBytes}";
        break;
    case ["restore-latest", var latestTarget]:
        var latest = await backups.RestoreLatestAsync(new PointInTimeOptions { TargetDatabase = latestTarget });
        id = latest.BackupIds[^1];
        extra = string.Create(CultureInfo.InvariantCulture, $" replay_seconds={latest.ReplayDuration.TotalSeconds:0.00} changes={latest.Changes}");
        break;
    case ["download", var downloadId]:
        var content = await backups.OpenBackupContentAsync(downloadId);
        await using (content)
        {
            await content.CopyToAsync(Stream.Null);
        }
        id = downloadId;
        break;
    case ["drill"]:
        var drill = await backups.RunRestoreDrillAsync();
        if (!drill.Success)
        {
            Console.Error.WriteLine("the drill failed: " + drill.Error);
            return 1;
        }
        id = drill.Id;
        extra = string.Create(CultureInfo.InvariantCulture,
            $" success={drill.Success} total_seconds={drill.TotalSeconds:0.000} bytes={drill.Bytes} stored_bytes={drill.StoredBytes} restore_seconds={drill.Phases.RestoreSeconds:0.000} replay_seconds={drill.Phases.ReplaySeconds:0.000} verify_seconds={drill.Phases.VerifySeconds:0.000} checks_seconds={drill.Phases.ChecksSeconds:0.000}");
        break;
    default:
        Console.Error.WriteLine("usage: FullBackupBench backup [level] | backup-warm [level] | restore <id> <target> | incremental | restore-latest <target> | download <id> | drill");
        return 2;
}
var seconds = clock.Elapsed.TotalSeconds;

// VmHWM: the peak resident set of this process, the figure the 200 MB target is about.
var peakKb = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={seconds:0.00} peak_rss_mb={long.Parse(peakKb, CultureInfo.InvariantCulture) / 1024} id={id}{extra}"));
return 0;
