using Backup.Core.Abstractions;

namespace Backup.Core.Engine;

/// <summary>A chain's replication slot is gone: the changes since its last incremental cannot be captured any more.</summary>
internal sealed class ReplicationSlotMissingException(string slotName, Exception? inner = null)
    : BackupException($"The replication slot {slotName} does not exist on the server (dropped by hand, by the slot lag limit, or by another host's full backup).", inner)
{
    public string SlotName => slotName;
}
