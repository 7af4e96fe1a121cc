using Npgsql;

namespace Backup.Core.Engine;

/// <summary>Where recovery replays a chain's change segments.</summary>
internal interface IReplayTarget : IDatabase
{
    /// <summary>Opens a connection for replaying changes into <paramref name="database"/> on the engine's server.</summary>
    Task<NpgsqlConnection> OpenForReplayAsync(string database, CancellationToken cancellationToken);
}
