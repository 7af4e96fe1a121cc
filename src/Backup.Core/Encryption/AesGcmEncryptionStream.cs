using System.Buffers;
using System.Security.Cryptography;

namespace Backup.Core.Encryption;

/// <summary>
/// Write-only stream that seals plaintext into fixed-size AES-256-GCM frames. The header goes
/// out with the first frame; disposing seals the final frame, which is always shorter than a
/// full chunk (empty when the plaintext fills its last chunk exactly), so a reader can tell the
/// end from a truncation.
/// </summary>
internal sealed class AesGcmEncryptionStream : Stream
{
    private readonly Stream _destination;
    private readonly ContainerHeader _header;
    private readonly FrameCipher _cipher;
    private readonly byte[] _plain;
    private readonly byte[] _frame;
    private int _filled;
    private long _index;
    private bool _headerWritten;
    private bool _disposed;

    public AesGcmEncryptionStream(Stream destination, MasterKey masterKey, byte[] passphraseSalt, int chunkSize, string objectKey)
    {
        _destination = destination;
        var dataKey = RandomNumberGenerator.GetBytes(MasterKey.KeySize);
        try
        {
            _header = ContainerHeader.Create(masterKey, passphraseSalt, chunkSize, dataKey, objectKey);
            _cipher = new FrameCipher(dataKey, _header);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
        _plain = ArrayPool<byte>.Shared.Rent(chunkSize);
        _frame = ArrayPool<byte>.Shared.Rent(chunkSize + ContainerHeader.TagSize);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Append(buffer)..];
            if (_filled == _header.ChunkSize)
            {
                WriteFrame(SealFrame(final: false));
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Append(buffer.Span)..];
            if (_filled == _header.ChunkSize)
            {
                await WriteFrameAsync(SealFrame(final: false), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Copies as much as fits into the current frame; returns how much that was.
    private int Append(ReadOnlySpan<byte> buffer)
    {
        var take = Math.Min(buffer.Length, _header.ChunkSize - _filled);
        buffer[..take].CopyTo(_plain.AsSpan(_filled));
        _filled += take;
        return take;
    }

    // Frames are only ever written whole; a flush has nothing it may write early.
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            try
            {
                WriteFrame(SealFrame(final: true));
            }
            finally
            {
                Release();
            }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            try
            {
                await WriteFrameAsync(SealFrame(final: true), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int SealFrame(bool final)
    {
        _cipher.Seal(_index++, final, _plain.AsSpan(0, _filled), _frame);
        var length = _filled + ContainerHeader.TagSize;
        _filled = 0;
        return length;
    }

    private void WriteFrame(int length)
    {
        if (!_headerWritten)
        {
            _destination.Write(_header.Bytes);
            _headerWritten = true;
        }
        _destination.Write(_frame, 0, length);
    }

    private async ValueTask WriteFrameAsync(int length, CancellationToken cancellationToken)
    {
        if (!_headerWritten)
        {
            await _destination.WriteAsync(_header.Bytes, cancellationToken).ConfigureAwait(false);
            _headerWritten = true;
        }
        await _destination.WriteAsync(_frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
    }

    private void Release()
    {
        _disposed = true;
        _cipher.Dispose();
        CryptographicOperations.ZeroMemory(_plain);
        ArrayPool<byte>.Shared.Return(_plain);
        ArrayPool<byte>.Shared.Return(_frame);
    }
}
