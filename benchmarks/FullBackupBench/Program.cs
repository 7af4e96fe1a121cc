// One BackupService operation per process, for scripts/bench-full.sh, which times it against the
// shell tools in the same run. Prints "seconds=<s> peak_rss_mb=<MB> id=<backup id>".
//   FullBackupBench backup [zstd level]       (DATABASE_URL, BACKUP_DIR, BACKUP_ENCRYPTION_KEY from the environment)
//   FullBackupBench backup-warm [zstd level]  times a second backup in the same process: a long-running
//                                             host's case, without start-up, JIT and first-connection costs
//   FullBackupBench restore <id> <target database>
using System.Diagnostics;
using System.Globalization;
using Backup.Core;
using Backup.Core.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var level = args is ["backup" or "backup-warm", var given] ? int.Parse(given, CultureInfo.InvariantCulture) : 3;
var services = new ServiceCollection()
    .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
    .AddBackupSystem(b => b.UseZstd(level));
using var provider = services.BuildServiceProvider();
var backups = provider.GetRequiredService<BackupService>();

var clock = Stopwatch.StartNew();
string id;
switch (args)
{
    case ["backup"] or ["backup", _]:
        id = (await backups.CreateFullBackupAsync(new FullBackupOptions { Encrypt = true })).Id;
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
    default:
        Console.Error.WriteLine("usage: FullBackupBench backup | restore <id> <target>");
        return 2;
}
var seconds = clock.Elapsed.TotalSeconds;

// VmHWM: the peak resident set of this process, the figure the 200 MB target is about.
var peakKb = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds={seconds:0.00} peak_rss_mb={long.Parse(peakKb, CultureInfo.InvariantCulture) / 1024} id={id}"));
return 0;
