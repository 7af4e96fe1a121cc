namespace Backup.Core.Engine;

/// <summary>
/// A continuous stream met a partition created after it started. Partitions are described at the
/// start of a stream (before any transaction, where replay creates them), so the stream ends and a
/// new one, started from what is stored, covers it: nothing unconfirmed is lost.
/// </summary>
internal sealed class NewPartitionsFoundException(string partitions, Exception inner)
    : Exception($"New partitions ({partitions}) appeared while the stream ran; it starts again to cover them.", inner);
