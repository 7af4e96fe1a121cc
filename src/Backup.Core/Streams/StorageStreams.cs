namespace Backup.Core.Streams;

/// <summary>Reading helpers for store packages that upload in parts, blocks or chunks.</summary>
public static class StorageStreams
{
    /// <summary>
    /// Reads from <paramref name="source"/> until <paramref name="size"/> bytes are in
    /// <paramref name="buffer"/> or the source ends; returns how many. Errors of the source pass
    /// through as they are (they are not the store's).
    /// </summary>
    public static async Task<int> FillAsync(Stream source, byte[] buffer, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(buffer);
        return await StreamReading.ReadFullyAsync(source, buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
    }
}
