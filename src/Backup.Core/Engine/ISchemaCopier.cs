using Npgsql;

namespace Backup.Core.Engine;

/// <summary>What a restore of chosen tables beside the live ones needs from the engine: a schema copied between two databases of its server.</summary>
internal interface ISchemaCopier : IDatabase
{
    /// <summary>
    /// Copies the schema <paramref name="schema"/> of <paramref name="fromDatabase"/> (its tables, their
    /// rows, keys, indexes, constraints, owned sequences, owners and grants) into <paramref name="toDatabase"/>,
    /// where it must not exist, in one transaction there. Creates objects only in that schema:
    /// no lock is taken on another schema's table.
    /// </summary>
    Task CopySchemaAsync(string fromDatabase, string schema, string toDatabase, CancellationToken cancellationToken);

    /// <summary>Opens an ordinary connection (durable commits, triggers on) to <paramref name="database"/> on the engine's server.</summary>
    Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken);
}
