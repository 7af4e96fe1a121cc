using System.Text;

namespace Backup.Core.Postgres.Archive;

/// <summary>
/// Writes pg_dump's primitives exactly as pg_backup_archiver.c's WriteInt, WriteStr and
/// WriteOffset do (sign byte, then the magnitude least significant byte first), counting bytes.
/// </summary>
internal sealed class ArchiveOutput(Stream stream, int intSize, int offSize)
{
    private readonly byte[] _wide = new byte[32];

    public Stream Stream { get; } = stream;

    public int IntSize { get; } = intSize;

    public int OffSize { get; } = offSize;

    public long Position { get; private set; }

    /// <summary>Bytes that <see cref="WriteIntAsync"/> writes.</summary>
    public int IntLength => IntSize + 1;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await Stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        Position += bytes.Length;
    }

    public ValueTask WriteByteAsync(byte value, CancellationToken ct)
    {
        _wide[0] = value;
        return WriteAsync(_wide.AsMemory(0, 1), ct);
    }

    public ValueTask WriteIntAsync(int value, CancellationToken ct)
    {
        _wide[0] = (byte)(value < 0 ? 1 : 0);
        long magnitude = Math.Abs((long)value);
        for (var b = 1; b <= IntSize; b++)
        {
            _wide[b] = (byte)(magnitude & 0xFF);
            magnitude >>= 8;
        }
        return WriteAsync(_wide.AsMemory(0, IntSize + 1), ct);
    }

    public async ValueTask WriteStringAsync(string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await WriteIntAsync(-1, ct).ConfigureAwait(false);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        await WriteIntAsync(bytes.Length, ct).ConfigureAwait(false);
        await WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    public ValueTask WriteOffsetAsync(int state, long offset, CancellationToken ct)
    {
        _wide[0] = (byte)state;
        for (var b = 1; b <= OffSize; b++)
        {
            _wide[b] = (byte)(offset & 0xFF);
            offset >>= 8;
        }
        return WriteAsync(_wide.AsMemory(0, OffSize + 1), ct);
    }
}
