namespace Backup.Core.Storage;

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
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, buffer.Length);
        // A stream may return fewer bytes than asked before its end; only a read of 0 ends it.
        var total = 0;
        while (total < size)
        {
            var read = await source.ReadAsync(buffer.AsMemory(total, size - total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }
}
