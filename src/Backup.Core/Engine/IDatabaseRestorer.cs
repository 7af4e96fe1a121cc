using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.Core.Engine;

/// <summary>What restores and verification need from the engine: targets, archives and row counts.</summary>
internal interface IDatabaseRestorer : IDatabase
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="setting"/> when <paramref name="name"/> cannot be a restore target.</summary>
    void ValidateTargetName(string name, string setting);

    /// <summary>Whether <paramref name="database"/> exists on the server.</summary>
    Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken);

    /// <summary>What a restore of <paramref name="tables"/> restores and leaves out, from two short reads of the archive.</summary>
    Task<TableRestorePlan> PlanTableRestoreAsync(IReadOnlyList<string> tables, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken);

    /// <summary>Restores a whole full backup (its archive, and its parts when taken in parts); returns the roles it created.</summary>
    Task<IReadOnlyList<string>> RestoreAsync(EngineRestoreRequest request, FullBackupSource source, CancellationToken cancellationToken);

    /// <summary>Restores what <paramref name="plan"/> says (of the parts, those of its tables with data); returns the roles it created.</summary>
    Task<IReadOnlyList<string>> RestoreTablesAsync(EngineRestoreRequest request, TableRestorePlan plan, FullBackupSource source, CancellationToken cancellationToken);

    /// <summary>
    /// Writes into <paramref name="output"/> one archive that the engine's restore tool reads whole
    /// (for PostgreSQL, a pg_dump custom-format archive), from a backup taken in parts: what
    /// <c>download</c> gives. Streams: nothing is held in memory or on disk.
    /// </summary>
    Task WriteWholeArchiveAsync(FullBackupSource source, Stream output, CancellationToken cancellationToken);

    /// <summary>Proves the engine's restore tool accepts the archive and returns its table of contents; reads <paramref name="source"/> to its end.</summary>
    Task<string> ListArchiveAsync(Stream source, CancellationToken cancellationToken);

    /// <summary>Exact row counts of every user table of <paramref name="database"/> but those in <paramref name="skip"/> (<c>schema.table</c>).</summary>
    Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string database, IReadOnlySet<string> skip, CancellationToken cancellationToken);

    /// <summary>Whether restores leave <paramref name="table"/> (<c>schema.table</c>) out: the engine's own objects, which belong to the source. Row count checks skip it.</summary>
    bool LeavesOut(string table);

    /// <summary>Drops <paramref name="database"/> if it exists, ending its sessions.</summary>
    Task DropDatabaseAsync(string database, CancellationToken cancellationToken);
}
