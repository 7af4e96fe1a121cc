using System.Runtime.ExceptionServices;
using Backup.Core.Abstractions;
using Backup.Core.Streams;
using ZstdNet;

namespace Backup.Core.Pipeline;

/// <summary>
/// The plaintext of a stored object, read through decryption and decompression. At the end it
/// drains every layer and compares sizes and SHA-256 hashes of the stored and the plain bytes
/// with the manifest; instead of a clean end of stream, a mismatch raises
/// <see cref="BackupIntegrityException"/>. Encrypted objects are also checked frame by frame.
/// </summary>
internal sealed class VerifiedReadStream : Stream
{
    private readonly StoredContent _expected;
    private readonly Stream _raw;
    private readonly HashingStream _stored;
    private readonly Stream? _decrypted;
    private readonly Stream _decompressed;
    private readonly HashingStream _plain;
    private bool _verified;
    private bool _disposed;
    // The first damage found. Every later read fails with it again, so that a reader that caught
    // it (or a drain after such a reader) can never take the end of the stream for a clean one.
    private BackupIntegrityException? _damage;

    public VerifiedReadStream(StoredContent expected, Stream raw, HashingStream stored, Stream? decrypted, Stream decompressed)
    {
        _expected = expected;
        _raw = raw;
        _stored = stored;
        _decrypted = decrypted;
        _decompressed = decompressed;
        _plain = new HashingStream(decompressed);
    }

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _expected.RawBytes;
    public override long Position { get => _plain.BytesCount; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfDamaged();
        try
        {
            int read;
            try
            {
                read = _plain.Read(buffer);
            }
            catch (Exception ex) when (IsCodecFailure(ex))
            {
                throw CodecDamage(ex);
            }
            if (read == 0 && !buffer.IsEmpty)
            {
                Drain(_decrypted ?? _stored, "the compressed stream ended before its data");
                Drain(_stored, "the encrypted container ended before the stored object");
                Verify();
            }
            return read;
        }
        catch (BackupIntegrityException ex)
        {
            _damage ??= ex;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDamaged();
        try
        {
            int read;
            try
            {
                read = await _plain.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsCodecFailure(ex))
            {
                throw CodecDamage(ex);
            }
            if (read == 0 && !buffer.IsEmpty)
            {
                await DrainAsync(_decrypted ?? _stored, "the compressed stream ended before its data", cancellationToken).ConfigureAwait(false);
                await DrainAsync(_stored, "the encrypted container ended before the stored object", cancellationToken).ConfigureAwait(false);
                Verify();
            }
            return read;
        }
        catch (BackupIntegrityException ex)
        {
            _damage ??= ex;
            throw;
        }
    }

    private void ThrowIfDamaged()
    {
        if (_damage is not null)
        {
            ExceptionDispatchInfo.Throw(_damage);
        }
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
            _plain.Dispose();
            _decompressed.Dispose();
            _decrypted?.Dispose();
            _stored.Dispose();
            _raw.Dispose();
        }
        base.Dispose(disposing);
    }

    // Bytes left in a layer after the one above it ended mean a spliced or extended object.
    private void Drain(Stream layer, string what)
    {
        Span<byte> probe = stackalloc byte[4096];
        var extra = 0L;
        int read;
        while ((read = layer.Read(probe)) > 0)
        {
            extra += read;
        }
        if (extra > 0)
        {
            throw Damaged($"{extra} unexpected byte(s) follow where {what}");
        }
    }

    private async ValueTask DrainAsync(Stream layer, string what, CancellationToken cancellationToken)
    {
        var probe = new byte[4096];
        var extra = 0L;
        int read;
        while ((read = await layer.ReadAsync(probe, cancellationToken).ConfigureAwait(false)) > 0)
        {
            extra += read;
        }
        if (extra > 0)
        {
            throw Damaged($"{extra} unexpected byte(s) follow where {what}");
        }
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }
        _verified = true;
        Check("stored", _stored, _expected.StoredBytes, _expected.StoredSha256);
        Check("plain", _plain, _expected.RawBytes, _expected.PlainSha256);
    }

    private void Check(string layer, HashingStream stream, long expectedBytes, string expectedSha256)
    {
        if (stream.BytesCount != expectedBytes)
        {
            throw Damaged($"its {layer} size is {stream.BytesCount:N0} bytes, the manifest says {expectedBytes:N0} (truncated or extended)");
        }
        var actual = stream.FinishHash();
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw Damaged($"the SHA-256 of its {layer} bytes is {actual}, the manifest says {expectedSha256}");
        }
    }

    private static bool IsCodecFailure(Exception ex) => ex is InvalidDataException or ZstdException;

    private BackupIntegrityException CodecDamage(Exception ex) =>
        new($"The stored object '{_expected.Key}' is not intact: its {_expected.Compression} data cannot be decompressed ({ex.Message}).", ex);

    private BackupIntegrityException Damaged(string why) => new($"The stored object '{_expected.Key}' is not intact: {why}.");
}
