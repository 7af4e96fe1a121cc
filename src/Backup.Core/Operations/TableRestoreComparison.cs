namespace Backup.Core.Operations;

/// <summary>
/// The restored copies compared with the live tables (<see cref="BackupService.CompareRestoredTablesAsync"/>),
/// and the SQL that copies the restored rows back. Tables are in foreign-key order: a referenced table before the tables that reference it.
/// </summary>
public sealed record TableRestoreComparison
{
    /// <summary>The live database.</summary>
    public required string Database { get; init; }

    /// <summary>Per table, in the order the copy-back runs.</summary>
    public required IReadOnlyList<TableComparison> Tables { get; init; }

    /// <summary>
    /// All the tables' copy-back statements, in order, for one transaction (what
    /// <see cref="BackupService.ApplyRestoredTablesAsync"/> runs). Not run by the comparison.
    /// </summary>
    public string Sql => string.Join("\n", Tables.Select(t => t.Sql).Where(s => s.Length > 0));
}

/// <summary>One restored table compared with its live table.</summary>
/// <param name="Source">The live table, <c>schema.table</c>.</param>
/// <param name="Restored">The copy, <c>schema.table</c>.</param>
/// <param name="OnlyInLive">Rows of the live table whose key the copy lacks (written since, or brought back already): the copy-back keeps them.</param>
/// <param name="OnlyInRestored">Rows of the copy whose key the live table lacks (deleted since): the copy-back inserts them.</param>
/// <param name="Changed">Rows with the same key and other values: the copy-back sets them to the restored values. Always 0 for a table without a primary key.</param>
/// <param name="HasPrimaryKey">False when the live table has no primary key: rows are compared whole, as multisets, and the copy-back only inserts the restored rows the live table lacks.</param>
/// <param name="Sql">The copy-back statements for this table (empty when nothing differs or nothing can be copied).</param>
public sealed record TableComparison(string Source, string Restored, long OnlyInLive, long OnlyInRestored, long Changed, bool HasPrimaryKey, string Sql);
