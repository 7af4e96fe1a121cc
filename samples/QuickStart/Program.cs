// The quick start: back up a database, restore it into a new one, verify the restore.
// Configuration comes from the environment, as in production:
//   DATABASE_URL            postgresql://user:password@host:port/database
//   BACKUP_DIR              where backups go (default ./backups)
//   BACKUP_ENCRYPTION_KEY   base64 of 32 random bytes (openssl rand -base64 32)
// scripts/quickstart.sh starts a throwaway PostgreSQL, sets these and runs this program.
using System.Diagnostics;
using Backup.Core;
using Backup.Core.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddBackupSystem(); // defaults: zstd level 1, AES-256-GCM when a key is set, local disk
using var host = builder.Build();
await host.StartAsync(); // validates the configuration: a bad setting stops here, named
var backups = host.Services.GetRequiredService<BackupService>();

// A live counter on a terminal; in a log file it would only be noise.
IProgress<BackupProgress>? progress = Console.IsOutputRedirected ? null : new Progress<BackupProgress>(p => Console.Write($"\r  {p.Phase}: {p.Bytes / 1048576.0,8:0.0} MB   "));

Console.WriteLine("1. Full backup");
var clock = Stopwatch.StartNew();
var backup = await backups.CreateFullBackupAsync(new FullBackupOptions { Comment = "quick start" }, progress);
var backupTime = clock.Elapsed;
var content = backup.Content!;
Console.WriteLine($"\r  {backup.Id}: {content.RawBytes / 1048576.0:0.0} MB dumped, {content.StoredBytes / 1048576.0:0.0} MB stored " +
                  $"({content.Compression}{(content.IsEncrypted ? $" + {content.EncryptionAlgorithm}, key '{content.EncryptionKeyId}'" : "")}) in {backupTime.TotalSeconds:0.0} s");

Console.WriteLine("2. Verify the stored backup (hashes, every encryption tag, pg_restore --list)");
clock.Restart();
var verify = await backups.VerifyBackupAsync(backup.Id);
foreach (var check in verify.Checks)
{
    Console.WriteLine($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
}
var verifyTime = clock.Elapsed;

Console.WriteLine("3. Restore into a new database");
clock.Restart();
var restore = await backups.RestoreFromBackupAsync(backup.Id, progress: progress);
var restoreTime = clock.Elapsed;
Console.WriteLine($"\r  restored into '{restore.TargetDatabase}' in {restoreTime.TotalSeconds:0.0} s                ");

var rows = restore.RestoredRowCounts.Values.Sum();
Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine($"  backup   {backup.Id}  {content.RawBytes / 1048576.0:0.0} MB raw -> {content.StoredBytes / 1048576.0:0.0} MB stored ({(double)content.RawBytes / Math.Max(1, content.StoredBytes):0.0}x)");
Console.WriteLine($"  times    backup {backupTime.TotalSeconds:0.0} s, verify {verifyTime.TotalSeconds:0.0} s, restore {restoreTime.TotalSeconds:0.0} s");
Console.WriteLine($"  rows     {restore.RestoredRowCounts.Count} tables, {rows:N0} rows; " +
                  (restore.RowCountMismatches.Count == 0 ? "every count matches the backup's manifest" : $"MISMATCH: {string.Join("; ", restore.RowCountMismatches)}"));
Console.WriteLine($"  verdict  {(verify.IsValid && restore.RowCountMismatches.Count == 0 ? "OK" : "FAILED")}");
await host.StopAsync();
return verify.IsValid && restore.RowCountMismatches.Count == 0 ? 0 : 1;
