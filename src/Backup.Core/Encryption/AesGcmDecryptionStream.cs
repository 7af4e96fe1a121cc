using System.Buffers;
using System.Security.Cryptography;
using Backup.Core.Abstractions;
using Backup.Core.Streams;

namespace Backup.Core.Encryption;

/// <summary>
/// Read-only stream of the plaintext of a container. A frame's bytes are returned only after
/// its tag has been verified; a missing final frame or bytes after it fail the read with
/// <see cref="BackupIntegrityException"/>.
/// </summary>
internal sealed class AesGcmDecryptionStream : Stream
{
    private readonly Stream _source;
    private readonly ContainerHeader _header;
    private readonly FrameCipher _cipher;
    private readonly byte[] _frame;
    private readonly byte[] _plain;
    private int _plainOffset;
    private int _plainLength;
    private long _index;
    // The frame buffer holds a whole frame plus, when more follows, the first byte of the next
    // frame, which is carried over to the start of the buffer for the next read.
    private int _carried;
    private bool _finished;
    private bool _disposed;

    public AesGcmDecryptionStream(Stream source, ContainerHeader header, byte[] dataKey)
    {
        _source = source;
        _header = header;
        _cipher = new FrameCipher(dataKey, header);
        _frame = ArrayPool<byte>.Shared.Rent(header.ChunkSize + ContainerHeader.TagSize + 1);
        _plain = ArrayPool<byte>.Shared.Rent(header.ChunkSize);
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (_plainOffset == _plainLength && !_finished)
        {
            // Read one byte past a full frame: whether more follows tells a full frame from the final one.
            var read = StreamReading.ReadFully(_source, _frame.AsSpan(_carried, FullFrameSize + 1 - _carried));
            Open(read);
        }
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }
        while (_plainOffset == _plainLength && !_finished)
        {
            var read = await StreamReading.ReadFullyAsync(_source, _frame.AsMemory(_carried, FullFrameSize + 1 - _carried), cancellationToken).ConfigureAwait(false);
            Open(read);
        }
        return CopyOut(buffer.Span);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _cipher.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_frame);
        }
        base.Dispose(disposing);
    }

    private int FullFrameSize => _header.ChunkSize + ContainerHeader.TagSize;

    // Under version 2 the first frame is also what notices a container moved from another object's key.
    private string WhyFrameFails => _index == 0 && _header.Version == ContainerHeader.FormatVersion
        ? "corrupted, or the container was written for another object or backup and moved under this key"
        : "corrupted, reordered or from another backup";

    private void Open(int read)
    {
        var available = _carried + read;
        if (available > FullFrameSize)
        {
            // A full frame with more data after it: not the last one.
            if (!_cipher.TryOpen(_index, final: false, _frame.AsSpan(0, FullFrameSize), _plain))
            {
                throw Damaged($"frame {_index} failed authentication ({WhyFrameFails})");
            }
            _plainLength = _header.ChunkSize;
            _frame[0] = _frame[FullFrameSize];
            _carried = 1;
        }
        else
        {
            if (available < ContainerHeader.TagSize)
            {
                throw Damaged($"it ends after {_index} frame(s) without its final frame (truncated)");
            }
            if (!_cipher.TryOpen(_index, final: true, _frame.AsSpan(0, available), _plain))
            {
                throw Damaged($"the last frame ({_index}) failed authentication (truncated, bytes appended, or {WhyFrameFails})");
            }
            _plainLength = available - ContainerHeader.TagSize;
            _carried = 0;
            _finished = true;
        }
        _index++;
        _plainOffset = 0;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, count).CopyTo(buffer);
        _plainOffset += count;
        return count;
    }

    private static BackupIntegrityException Damaged(string why) => new($"The encrypted backup is not intact: {why}.");
}
