// The quick start: back up a database, verify the backup, restore it into a new database.
// Configuration comes from the environment, as in production:
//   DATABASE_URL            postgresql://user:password@host:port/database
//   BACKUP_DIR              where backups go (default ./backups)
//   BACKUP_ENCRYPTION_KEY   base64 of 32 random bytes (openssl rand -base64 32)
// scripts/quickstart.sh starts a throwaway PostgreSQL, sets these and runs this program.
// Ctrl+C (SIGINT) or SIGTERM cancels the running step cleanly: a cancelled backup is recorded as
// cancelled (never as restorable) and a half-restored database is dropped. Exit code 130.
using System.Diagnostics;
using Backup.Core;
using Backup.Core.Operations;
using Backup.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddBackupSystem(); // defaults: zstd level 1, AES-256-GCM when a key is set, local disk
using var host = builder.Build();
await host.StartAsync(); // validates the configuration: a bad setting stops here, named
var backups = host.Services.GetRequiredService<BackupService>();
// The host's console lifetime turns SIGINT and SIGTERM into this token; every step takes it.
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
var store = Path.GetFullPath(host.Services.GetRequiredService<IOptions<LocalStorageOptions>>().Value.RootPath);

// A live counter on a terminal; in a log file it would only be noise.
IProgress<BackupProgress>? progress = Console.IsOutputRedirected ? null : new Progress<BackupProgress>(p => Console.Write($"\r  {p.Phase}: {p.Bytes / 1048576.0,8:0.0} MB   "));
static double MegabytesPerSecond(long bytes, TimeSpan time) => bytes / 1048576.0 / Math.Max(time.TotalSeconds, 0.001);

try
{
    Console.WriteLine("1. Full backup");
    var clock = Stopwatch.StartNew();
    var backup = await backups.CreateFullBackupAsync(new FullBackupOptions { Comment = "quick start" }, progress, stopping);
    var backupTime = clock.Elapsed;
    var content = backup.Content!;
    // The backup's totals: its archive and, taken in parts (the default), every table data part.
    Console.WriteLine($"\r  {backup.Id}: {backup.RawBytes / 1048576.0:0.0} MB dumped ({backup.Parts.Count} table data parts), {backup.StoredBytes / 1048576.0:0.0} MB stored " +
                      $"({content.Compression}{(content.IsEncrypted ? $" + {content.EncryptionAlgorithm}" : ", not encrypted")}) in {backupTime.TotalSeconds:0.0} s " +
                      $"({MegabytesPerSecond(backup.RawBytes, backupTime):0} MB/s)");

    Console.WriteLine("2. Verify the stored backup (hashes, every encryption tag, pg_restore --list)");
    clock.Restart();
    var verify = await backups.VerifyBackupAsync(backup.Id, cancellationToken: stopping);
    foreach (var check in verify.Checks)
    {
        Console.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
    }
    var verifyTime = clock.Elapsed;

    Console.WriteLine("3. Restore into a new database");
    clock.Restart();
    var restore = await backups.RestoreFromBackupAsync(backup.Id, progress: progress, cancellationToken: stopping);
    var restoreTime = clock.Elapsed;
    Console.WriteLine($"\r  restored into '{restore.TargetDatabase}' in {restoreTime.TotalSeconds:0.0} s ({MegabytesPerSecond(restore.Bytes, restoreTime):0} MB/s)                ");

    var rows = restore.RestoredRowCounts.Values.Sum();
    var ok = verify.IsValid && restore.RowCountMismatches.Count == 0;
    Console.WriteLine();
    Console.WriteLine("Summary");
    Console.WriteLine($"  backup   {backup.Id}  {backup.RawBytes / 1048576.0:0.0} MB raw -> {backup.StoredBytes / 1048576.0:0.0} MB stored ({(double)backup.RawBytes / Math.Max(1, backup.StoredBytes):0.0}x)");
    Console.WriteLine($"  stored   {Path.Combine(store, content.Key)} (manifest: {Path.Combine(store, "metadata", backup.Id + ".json")})");
    Console.WriteLine($"  key      {(content.IsEncrypted ? $"id '{content.EncryptionKeyId}' (the key itself is never printed or stored; BACKUP_ENCRYPTION_KEY holds it)" : "none: the backup is not encrypted")}");
    Console.WriteLine($"  times    backup {backupTime.TotalSeconds:0.0} s ({MegabytesPerSecond(backup.RawBytes, backupTime):0} MB/s), verify {verifyTime.TotalSeconds:0.0} s, restore {restoreTime.TotalSeconds:0.0} s ({MegabytesPerSecond(restore.Bytes, restoreTime):0} MB/s)");
    Console.WriteLine($"  rows     {restore.RestoredRowCounts.Count} tables, {rows:N0} rows; " +
                      (restore.RowCountMismatches.Count == 0 ? "every count matches the backup's manifest" : $"MISMATCH: {string.Join("; ", restore.RowCountMismatches)}"));
    Console.WriteLine($"  verdict  {(ok ? "OK" : "FAILED")}");
    return ok ? 0 : 1;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.WriteLine();
    Console.WriteLine("Cancelled. Nothing half-done is left: a cancelled backup is recorded as cancelled (it is not listed as restorable), and a database a cancelled restore had created is dropped.");
    return 130;
}
finally
{
    await host.StopAsync(CancellationToken.None);
}
