namespace Backup.Core.Postgres.Archive;

/// <summary>
/// A data block the schema archive already holds (BLK_DATA: chunks until a zero length; BLK_BLOBS:
/// per large object an OID and chunks, until OID 0; pg_backup_custom.c), copied through byte for
/// byte or only measured. The data stays as pg_dump wrote it: the merged archive has the same
/// header, so the same (absent) compression applies.
/// </summary>
internal static class ExistingDataBlock
{
    private const int CopyBuffer = 128 * 1024;

    /// <summary>
    /// Reads the next block, which must belong to <paramref name="dumpId"/>, writing it to
    /// <paramref name="output"/> (or only passing over it when that is null); returns its length.
    /// </summary>
    public static async Task<long> CopyAsync(ArchiveInput input, ArchiveOutput? output, int dumpId, CancellationToken ct)
    {
        var start = input.Position;
        var type = await input.ReadByteOrEndAsync(ct).ConfigureAwait(false);
        if (type < 0)
            throw ArchiveInput.Corrupt($"the data block of TOC entry {dumpId} is missing");
        var id = await input.ReadIntAsync(ct).ConfigureAwait(false);
        if (id != dumpId)
            throw ArchiveInput.Corrupt($"data block of entry {id} found where the TOC order expects entry {dumpId}");
        var buffer = output is null ? null : new byte[CopyBuffer];
        if (output is not null)
        {
            await output.WriteByteAsync((byte)type, ct).ConfigureAwait(false);
            await output.WriteIntAsync(id, ct).ConfigureAwait(false);
        }
        switch (type)
        {
            case ArchiveFormat.BlockData:
                await CopyChunksAsync(input, output, buffer, ct).ConfigureAwait(false);
                break;
            case ArchiveFormat.BlockBlobs:
                while (true)
                {
                    var oid = await input.ReadIntAsync(ct).ConfigureAwait(false);
                    if (output is not null)
                        await output.WriteIntAsync(oid, ct).ConfigureAwait(false);
                    if (oid == 0)
                        break;
                    await CopyChunksAsync(input, output, buffer, ct).ConfigureAwait(false);
                }
                break;
            default:
                throw ArchiveInput.Corrupt($"unknown data block type {type} for entry {dumpId}");
        }
        return input.Position - start;
    }

    private static async Task CopyChunksAsync(ArchiveInput input, ArchiveOutput? output, byte[]? buffer, CancellationToken ct)
    {
        while (true)
        {
            var length = await input.ReadIntAsync(ct).ConfigureAwait(false);
            if (length < 0)
                throw ArchiveInput.Corrupt($"a data chunk claims {length} bytes");
            if (output is null)
            {
                await input.SkipAsync(length, ct).ConfigureAwait(false);
                if (length == 0)
                    return;
                continue;
            }
            await output.WriteIntAsync(length, ct).ConfigureAwait(false);
            if (length == 0)
                return;
            for (var left = length; left > 0;)
            {
                var part = Math.Min(left, buffer!.Length);
                await input.ReadExactlyAsync(buffer.AsMemory(0, part), ct).ConfigureAwait(false);
                await output.WriteAsync(buffer.AsMemory(0, part), ct).ConfigureAwait(false);
                left -= part;
            }
        }
    }
}
