namespace Backup.Core.Streams;

/// <summary>
/// Exactly <c>length</c> bytes of a file being read, whatever happens to the file meanwhile: a tar
/// header states the size before the data, so a file that grows is cut at that size and one that
/// shrinks is padded with zeros — and <see cref="Changed"/> says so, for the manifest's warnings.
/// Seekable in name only (Length and Position), which is what TarWriter needs of a data stream.
/// </summary>
internal sealed class ExactLengthStream(Stream file, long length) : Stream
{
    private long _position;

    /// <summary>The file gave fewer bytes than it had when opened.</summary>
    public bool Changed { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0)
        {
            return 0;
        }
        var read = Changed ? 0 : file.Read(buffer[..wanted]);
        if (read == 0)
        {
            Changed = true;
            buffer[..wanted].Clear();
            read = wanted;
        }
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0)
        {
            return 0;
        }
        var read = Changed ? 0 : await file.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            Changed = true;
            buffer.Span[..wanted].Clear();
            read = wanted;
        }
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
