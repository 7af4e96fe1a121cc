using Backup.Core.Catalog;

namespace Backup.Core.Engine;

/// <summary>
/// A full backup as a restore reads it: its archive, which can be opened more than once, and, for a
/// backup taken in parts, each table data part with a way to open it (every hash checked by the end of its stream).
/// </summary>
internal sealed record FullBackupSource(Func<CancellationToken, Task<Stream>> OpenArchive, IReadOnlyList<DataPartSource> Parts)
{
    /// <summary>Opens the archive for a look at its head (its table of contents), not counted as restored bytes; null: <see cref="OpenArchive"/>.</summary>
    public Func<CancellationToken, Task<Stream>>? PeekArchive { get; init; }

    /// <summary>A backup taken as one pg_dump stream.</summary>
    public static FullBackupSource Archive(Func<CancellationToken, Task<Stream>> openArchive) => new(openArchive, []);
}

/// <summary>One table data part and how to open it.</summary>
internal sealed record DataPartSource(TableDataPart Part, Func<CancellationToken, Task<Stream>> Open);
