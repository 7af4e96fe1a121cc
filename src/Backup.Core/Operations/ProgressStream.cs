namespace Backup.Core.Operations;

/// <summary>Counts bytes written or read through it and reports them every few megabytes.</summary>
internal sealed class ProgressStream(Stream inner, string phase, IProgress<BackupProgress>? progress, Action<long>? onDispose = null) : Stream
{
    private const long ReportEvery = 8 << 20;
    private long _bytes;
    private long _nextReport = ReportEvery;

    public long Bytes => _bytes;

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _bytes; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(buffer.Length);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            onDispose?.Invoke(_bytes);
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Count(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Count(read);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Reports the final count.</summary>
    public void ReportDone() => progress?.Report(new BackupProgress(phase, _bytes));

    private void Count(int count)
    {
        _bytes += count;
        if (_bytes >= _nextReport)
        {
            _nextReport = _bytes + ReportEvery;
            progress?.Report(new BackupProgress(phase, _bytes));
        }
    }
}
