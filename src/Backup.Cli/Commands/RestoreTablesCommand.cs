using System.CommandLine;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary>
/// <c>restore-tables</c>: chosen tables as they were at a moment, restored beside the live ones (a new
/// schema of the live database, or a new database), compared with the live tables, and with
/// <c>--apply</c> copied back in one transaction after a confirmation.
/// </summary>
internal static class RestoreTablesCommand
{
    public static Command Create(CliOptions options)
    {
        var tables = new Argument<string[]>("TABLE") { Description = "The tables to restore, schema.table (a bare name means public).", Arity = ArgumentArity.OneOrMore };
        var at = new Option<DateTimeOffset?>("--at")
        {
            Description = "The moment, ISO 8601 (2026-11-30T09:41:00Z; without an offset it is UTC). Default: the latest moment the backups hold.",
            HelpName = "TIME",
            CustomParser = result => TimeArgument.Parse(result, "--at"),
        };
        var schema = new Option<string?>("--schema") { Description = "The new schema of the live database to restore into (default restored_<UTC time>); it must not exist.", HelpName = "NAME" };
        var database = new Option<string?>("--database") { Description = "Restore into this new database instead of a schema of the live one (no comparison, no --apply).", HelpName = "NAME" };
        var referenced = new Option<bool>("--with-referenced") { Description = "Also restore the tables the chosen tables' foreign keys reference." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan; touch no database." };
        var sqlOut = new Option<FileInfo?>("--sql-out") { Description = "Write the copy-back SQL to this file instead of printing it.", HelpName = "FILE" };
        var apply = new Option<bool>("--apply") { Description = "Run the copy-back SQL in one transaction of the live database, after typing yes on a terminal (or with --yes)." };
        var yes = new Option<bool>("--yes") { Description = "With --apply: do not ask (for scripts). Without a terminal, --apply needs it." };
        var command = new Command("restore-tables", """
            Restore chosen tables as they were at a moment beside the live ones, without touching or locking them:
            into a new schema of the live database (default restored_<UTC time>), or --database NAME. Then compare
            each copy with its live table by primary key (rows only in live, only in restored, changed) and print the
            SQL that would copy the restored rows back (not run). --apply runs it in one transaction: missing rows
            inserted, changed rows set to the restored values, rows written since kept; the live tables' triggers
            fire, sequences are not changed.
            Example: backup-core restore-tables sales.orders sales.customers --at 2026-11-30T09:41:00Z --sql-out undo.sql
            Example: backup-core restore-tables sales.orders --at 2026-11-30T09:41:00Z --schema undo_0941 --apply
            """)
        { tables, at, schema, database, referenced, dryRun, sqlOut, apply, yes };
        command.Validators.Add(result =>
        {
            if (result.GetValue(schema) is not null && result.GetValue(database) is not null)
            {
                result.AddError("restore-tables restores into a new schema of the live database (--schema) or into a new database (--database), not both.");
            }
            else if (result.GetValue(apply) && (result.GetValue(database) is not null || result.GetValue(dryRun)))
            {
                result.AddError("--apply copies back from a schema beside the live tables: not with --database or --dry-run.");
            }
            else if (result.GetValue(yes) && !result.GetValue(apply))
            {
                result.AddError("--yes answers the confirmation of --apply: give --apply too.");
            }
        });
        command.SetAction(options, async context =>
        {
            var applying = context.Get(apply);
            var confirmed = context.Get(yes);
            // Refused before anything is restored: the answer could never come.
            if (applying && !confirmed && Console.IsInputRedirected)
            {
                throw new CliUsageException("--apply asks to type yes on a terminal and there is none: pass --yes to apply without asking (for scripts), or run without --apply and apply the SQL yourself.");
            }
            var request = new TableRestoreOptions
            {
                TargetSchema = context.Get(schema),
                TargetDatabase = context.Get(database),
                IncludeReferencedTables = context.Get(referenced),
                DryRun = context.Get(dryRun),
            };
            var names = context.Get(tables).Select(t => t.Contains('.', StringComparison.Ordinal) ? t : "public." + t).ToList();
            var restored = await ProgressDisplay.RunAsync(context.Console, null,
                progress => context.Backups.RestoreTablesAsync(names, context.Get(at), request, progress, context.CancellationToken));
            var comparison = restored.DryRun || restored.TargetSchema is null ? null
                : await context.Backups.CompareRestoredTablesAsync(restored, context.CancellationToken);
            var file = context.Get(sqlOut);
            if (comparison is not null && file is not null)
            {
                await File.WriteAllTextAsync(file.FullName, comparison.Sql + "\n", context.CancellationToken);
            }
            if (!context.Console.Json)
            {
                TableRestoreOutput.Print(context.Console, restored, comparison, file);
            }
            IReadOnlyDictionary<string, long>? written = null;
            if (applying && comparison is not null)
            {
                written = await ApplyAsync(context, comparison, confirmed);
            }
            if (context.Console.Json)
            {
                context.Console.WriteJson(new { Restore = restored, Comparison = comparison is null ? null : new { comparison.Database, comparison.Tables, comparison.Sql }, Written = written });
            }
            return written is null && applying && comparison is not null && comparison.Sql.Length > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    // Null when the person did not type yes: nothing runs, the copies stay.
    private static async Task<IReadOnlyDictionary<string, long>?> ApplyAsync(CommandContext context, TableRestoreComparison comparison, bool confirmed)
    {
        var console = context.Console;
        if (comparison.Sql.Length == 0)
        {
            console.Line("Nothing to copy back: every restored row is in the live tables as restored.");
            return new Dictionary<string, long>();
        }
        if (!confirmed)
        {
            console.Error.Write($"Run the copy-back SQL above in one transaction on the live database '{comparison.Database}'? Type yes to apply: ");
            var answer = await Console.In.ReadLineAsync(context.CancellationToken);
            if (!string.Equals(answer?.Trim(), "yes", StringComparison.Ordinal))
            {
                console.Fail("Not applied (you did not type yes). The copies stay beside the live tables; drop their schema when done.");
                return null;
            }
        }
        var written = await context.Backups.ApplyRestoredTablesAsync(comparison, context.CancellationToken);
        if (!console.Json)
        {
            console.Summary($"Copied back into '{comparison.Database}' (one transaction, committed)",
                comparison.Tables.Select(t => (t.Source, $"{written.GetValueOrDefault(t.Source):N0} rows written")));
        }
        return written;
    }
}
