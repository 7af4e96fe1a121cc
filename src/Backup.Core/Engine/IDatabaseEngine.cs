namespace Backup.Core.Engine;

/// <summary>
/// The engine seam the backup features depend on (the PostgreSQL engine implements it; tests use
/// an in-memory one). Each feature takes only the parts it uses.
/// </summary>
internal interface IDatabaseEngine : IDatabaseDumper, IDatabaseRestorer, IChangeSource, IReplicationSlots, IReplayTarget
{
}
