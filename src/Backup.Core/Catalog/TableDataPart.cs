using Backup.Core.Pipeline;

namespace Backup.Core.Catalog;

/// <summary>
/// One part of a full backup taken in parts (<see cref="Postgres.PostgresOptions.Jobs"/>): the rows
/// of one table, or of a range of its pages, as <c>COPY ... TO STDOUT</c> wrote them (text format),
/// stored as an object of its own. Which table a part holds is a detail: with encryption on, only
/// <see cref="Content"/> and the page range stay readable without the key.
/// </summary>
public sealed record TableDataPart
{
    /// <summary>The stored object and how to check it.</summary>
    public required StoredContent Content { get; init; }

    /// <summary>The table, as <c>schema.table</c> (the form of <see cref="BackupManifest.TableRowCounts"/>); null in a sealed manifest's envelope.</summary>
    public string? Table { get; init; }

    /// <summary>The column list the rows were copied with, as SQL (quoted names, generated columns left out); null in a sealed manifest's envelope.</summary>
    public string? Columns { get; init; }

    /// <summary>The first heap page of the range, for a table copied in ranges; null for a whole table.</summary>
    public long? FirstPage { get; init; }

    /// <summary>The page the range ends before; null for a whole table or its last range.</summary>
    public long? EndPage { get; init; }

    /// <summary>The rows in the part; null in a sealed manifest's envelope.</summary>
    public long? Rows { get; init; }
}
