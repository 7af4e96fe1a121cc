using System.CommandLine;
using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary><c>verify ID|--all [--deep]</c>: check stored backups; a failed check is exit code 3.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliOptions options)
    {
        var id = new Argument<string?>("ID") { Description = "The backup to verify.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Verify every completed backup in the store." };
        var deep = new Option<bool>("--deep") { Description = "Also restore into a scratch database, compare every row count with the manifest, and drop it." };
        var command = new Command("verify", """
            Verify backups: the stored bytes' SHA-256, every AES-GCM tag, the plain bytes' SHA-256 and pg_restore --list; with --deep a scratch restore.
            Exit code 3 when a backup is corrupt or tampered with.
            Example: backup-core verify --all --deep --store s3://acme-backups/prod --key-file /run/secrets/backup-key
            """)
        { id, all, deep };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(id) is null) == !result.GetValue(all))
            {
                result.AddError("verify needs a backup ID or --all (not both).");
            }
        });
        command.SetAction(options, async context =>
        {
            var ids = context.Get(id) is { } one
                ? [one]
                : (await context.Backups.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed }, context.CancellationToken)).Select(b => b.Id).ToList();
            var results = new List<VerifyResult>();
            foreach (var backupId in ids)
            {
                var result = await VerifyOneAsync(context, backupId, context.Get(deep), keepGoing: ids.Count > 1 || context.Get(all));
                results.Add(result);
                if (!context.Console.Json)
                {
                    context.Console.Line($"{backupId}: {(result.IsValid ? "ok" : "FAILED")}");
                    foreach (var check in result.Checks)
                    {
                        context.Console.Line($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: {check.Detail}");
                    }
                }
            }
            if (context.Console.Json)
            {
                context.Console.WriteJson(results.Select(r => new { r.BackupId, r.IsValid, r.Deep, r.Checks }));
            }
            return results.All(r => r.IsValid) ? ExitCodes.Ok : ExitCodes.Integrity;
        });
        return command;
    }

    // With --all, one damaged backup is a failed result among the others, not the end of the run.
    private static async Task<VerifyResult> VerifyOneAsync(CommandContext context, string id, bool deep, bool keepGoing)
    {
        try
        {
            return await context.Backups.VerifyBackupAsync(id, deep, context.CancellationToken);
        }
        catch (Exception e) when (keepGoing && ExceptionExitCodes.For(e, context.CancellationToken) == ExitCodes.Integrity)
        {
            return new VerifyResult { BackupId = id, Deep = deep, Checks = [new VerifyCheck("integrity", false, ExceptionExitCodes.MessageFor(e))] };
        }
    }
}
