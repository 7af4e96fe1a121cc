using System.Text;
using Backup.Core.Abstractions;

namespace Backup.Core.Postgres.Archive;

/// <summary>
/// Reads pg_dump's primitives (sign byte + little-endian int, length-prefixed string, flag +
/// offset) from a stream, counting the bytes consumed so that a non-seekable stream still has a
/// position. A short read is a truncated archive, reported as <see cref="BackupIntegrityException"/>.
/// </summary>
internal sealed class ArchiveInput(Stream stream)
{
    /// <summary>Strings longer than this are taken as corruption rather than allocated.</summary>
    private const int MaxStringLength = 256 * 1024 * 1024;

    private readonly byte[] _one = new byte[1];
    private readonly byte[] _wide = new byte[32];

    public Stream Stream { get; } = stream;

    public int IntSize { get; set; } = 4;

    public int OffSize { get; set; } = 8;

    /// <summary>Bytes consumed since this reader began.</summary>
    public long Position { get; private set; }

    /// <summary>Sets the count back after the caller sought the stream back to where it was.</summary>
    public void Rewind(long position) => Position = position;

    /// <summary>Next byte, or -1 at the end of the stream.</summary>
    public async ValueTask<int> ReadByteOrEndAsync(CancellationToken ct)
    {
        var read = await Stream.ReadAsync(_one, ct).ConfigureAwait(false);
        if (read == 0)
            return -1;
        Position++;
        return _one[0];
    }

    public async ValueTask<byte> ReadByteAsync(CancellationToken ct)
    {
        var value = await ReadByteOrEndAsync(ct).ConfigureAwait(false);
        return value < 0 ? throw Truncated() : (byte)value;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await Stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new BackupIntegrityException("The pg_dump schema archive ends in the middle of its contents: it is truncated. Take the backup again or restore another one.", e);
        }
        Position += buffer.Length;
    }

    /// <summary>Passes over <paramref name="count"/> bytes: a seek where the stream allows it.</summary>
    public async ValueTask SkipAsync(long count, CancellationToken ct)
    {
        if (Stream.CanSeek)
        {
            if (Stream.Position + count > Stream.Length)
                throw Truncated();
            Stream.Seek(count, SeekOrigin.Current);
            Position += count;
            return;
        }
        var buffer = new byte[(int)Math.Min(count, 81_920)];
        while (count > 0)
        {
            var part = (int)Math.Min(count, buffer.Length);
            await ReadExactlyAsync(buffer.AsMemory(0, part), ct).ConfigureAwait(false);
            count -= part;
        }
    }

    public async ValueTask<int> ReadIntAsync(CancellationToken ct)
    {
        await ReadExactlyAsync(_wide.AsMemory(0, IntSize + 1), ct).ConfigureAwait(false);
        long value = 0;
        for (var b = IntSize; b >= 1; b--)
            value = (value << 8) | _wide[b];
        if (_wide[0] > 1 || value > int.MaxValue)
            throw Corrupt($"an integer field holds an impossible value (sign byte {_wide[0]})");
        return _wide[0] == 1 ? (int)-value : (int)value;
    }

    public async ValueTask<string?> ReadStringAsync(CancellationToken ct)
    {
        var length = await ReadIntAsync(ct).ConfigureAwait(false);
        if (length < 0)
            return null;
        if (length > MaxStringLength)
            throw Corrupt($"a string field claims {length} bytes");
        var bytes = new byte[length];
        await ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes);
    }

    public async ValueTask<(int State, long Offset)> ReadOffsetAsync(CancellationToken ct)
    {
        var state = await ReadByteAsync(ct).ConfigureAwait(false);
        if (state is not (ArchiveFormat.OffsetPosNotSet or ArchiveFormat.OffsetPosSet or ArchiveFormat.OffsetNoData))
            throw Corrupt($"unexpected data offset flag {state}");
        await ReadExactlyAsync(_wide.AsMemory(0, OffSize), ct).ConfigureAwait(false);
        long offset = 0;
        for (var b = OffSize - 1; b >= 0; b--)
        {
            if (b >= 8 && _wide[b] != 0)
                throw Corrupt("a data offset is too large");
            if (b < 8)
                offset = (offset << 8) | _wide[b];
        }
        return (state, offset);
    }

    public static BackupIntegrityException Truncated() =>
        new("The pg_dump schema archive ends in the middle of its contents: it is truncated. Take the backup again or restore another one.");

    public static BackupIntegrityException Corrupt(string what) =>
        new($"The pg_dump schema archive is corrupt: {what}. Take the backup again or restore another one.");
}
