using System.Globalization;
using Backup.Core.Operations;

namespace Backup.Cli.Commands;

/// <summary>What <c>restore-tables</c> prints for people: what was restored and how exactly, then the comparison and where the SQL is.</summary>
internal static class TableRestoreOutput
{
    public static void Print(CliConsole console, TableRestoreResult restored, TableRestoreComparison? comparison, FileInfo? sqlFile)
    {
        var into = restored.TargetSchema is { } schema ? $"schema '{schema}' of the live database '{restored.Database}'" : $"new database '{restored.TargetDatabase}'";
        console.Summary(restored.DryRun ? "Plan to restore tables (dry run: nothing touched)" : "Restored tables beside the live ones",
        [
            ("into", into),
            .. restored.Tables.Select(t => ("table", $"{t.Source} -> {t.Restored} ({t.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows)")),
            ("moment", restored.At.ToString("u", CultureInfo.InvariantCulture)),
            ("reached", restored.DryRun ? "(dry run)" : restored.Reached?.ToString("u", CultureInfo.InvariantCulture) ?? "the full backup"),
            ("exactness", restored.ExactToTransaction
                ? "exact to the transaction (change capture)"
                : "to the last incremental at or before the moment (timestamp mode): rows deleted after the full backup may still be in the copies"),
            ("backups", string.Join(", ", restored.BackupIds)),
            .. restored.Plan.Select(step => ("plan", ExceptionExitCodes.WithCliNames(step))),
            .. restored.Caveats.Select(caveat => ("caveat", caveat)),
        ]);
        if (comparison is null)
        {
            if (!restored.DryRun)
            {
                console.Line("Restored into another database: no comparison with the live tables (compare and copy back from a schema of the live database: --schema).");
            }
            return;
        }
        console.Table(
            ["table", "restored", "only in live", "only in restored", "changed", "primary key"],
            comparison.Tables.Select(t => (IReadOnlyList<string>)
            [
                t.Source, t.Restored, N(t.OnlyInLive), N(t.OnlyInRestored), t.HasPrimaryKey ? N(t.Changed) : "-", t.HasPrimaryKey ? "yes" : "no (rows compared whole; only missing rows copied back)",
            ]));
        if (comparison.Sql.Length == 0)
        {
            console.Line("Copy-back SQL: none (nothing to copy back).");
        }
        else if (sqlFile is not null)
        {
            console.Line($"Copy-back SQL (not run) written to {sqlFile.FullName}.");
        }
        else
        {
            console.Line("Copy-back SQL (not run; one transaction; rows only in live are kept):");
            console.Line("BEGIN;");
            console.Line(comparison.Sql);
            console.Line("COMMIT;");
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
