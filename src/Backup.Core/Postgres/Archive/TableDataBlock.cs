using Backup.Core.Abstractions;

namespace Backup.Core.Postgres.Archive;

/// <summary>
/// A table's rows as the BLK_DATA block pg_dump's dumpTableData_copy writes through
/// pg_backup_custom.c (_StartData, _WriteData with -Z0, _EndData): block type, dump id, chunks of
/// (length, bytes), a zero length. Chunks are always full (<see cref="ChunkSize"/>) but the last,
/// so a block's length follows from the rows' length alone and the TOC can carry real offsets.
/// </summary>
internal static class TableDataBlock
{
    public const int ChunkSize = 64 * 1024;

    /// <summary>What pg_dump writes after the rows (pg_dump.c dumpTableData_copy: <c>"\\.\n\n\n"</c>).</summary>
    private static readonly byte[] Terminator = "\\.\n\n\n"u8.ToArray();

    public static long Length(long plainLength, int intSize)
    {
        var content = plainLength + Terminator.Length;
        var chunks = (content + ChunkSize - 1) / ChunkSize;
        return 1 + (intSize + 1) + chunks * (intSize + 1) + content + (intSize + 1);
    }

    /// <summary>Streams the rows into one block; returns the rows' length (without the terminator).</summary>
    public static async Task<long> WriteAsync(ArchiveOutput output, int dumpId, TableDataSource table, CancellationToken ct)
    {
        await output.WriteByteAsync(ArchiveFormat.BlockData, ct).ConfigureAwait(false);
        await output.WriteIntAsync(dumpId, ct).ConfigureAwait(false);
        var chunk = new byte[ChunkSize];
        long plain = 0;
        var data = await table.OpenData(ct).ConfigureAwait(false);
        await using (data.ConfigureAwait(false))
        {
            while (true)
            {
                var filled = await data.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                plain += filled;
                if (filled < chunk.Length)
                {
                    // The last chunk carries the terminator too, split where it overflows a chunk.
                    var room = Math.Min(Terminator.Length, chunk.Length - filled);
                    Terminator.AsSpan(0, room).CopyTo(chunk.AsSpan(filled));
                    await WriteChunkAsync(output, chunk.AsMemory(0, filled + room), ct).ConfigureAwait(false);
                    if (room < Terminator.Length)
                        await WriteChunkAsync(output, Terminator.AsMemory(room), ct).ConfigureAwait(false);
                    break;
                }
                await WriteChunkAsync(output, chunk, ct).ConfigureAwait(false);
            }
        }
        await output.WriteIntAsync(0, ct).ConfigureAwait(false);
        if (table.PlainLength is { } expected && expected != plain)
            throw new BackupIntegrityException(
                $"The stored data of table {table.Schema}.{table.Table} is {plain} bytes, but the backup records {expected}: the archive written so far is unusable. Verify the backup.");
        return plain;
    }

    private static async Task WriteChunkAsync(ArchiveOutput output, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        if (bytes.Length == 0)
            return;
        await output.WriteIntAsync(bytes.Length, ct).ConfigureAwait(false);
        await output.WriteAsync(bytes, ct).ConfigureAwait(false);
    }
}
