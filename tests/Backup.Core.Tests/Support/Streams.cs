namespace Backup.Core.Tests.Support;

/// <summary>Source streams that misbehave on purpose.</summary>
public static class Streams
{
    /// <summary>Yields <paramref name="before"/> bytes, then throws <see cref="IOException"/>.</summary>
    public static Stream FailingAfter(long before) => new ScriptedStream(before, failAtEnd: true, blockAtEnd: false);

    /// <summary>Yields <paramref name="before"/> bytes, then waits until the read is cancelled.</summary>
    public static Stream BlockingAfter(long before) => new ScriptedStream(before, failAtEnd: false, blockAtEnd: true);

    private sealed class ScriptedStream(long length, bool failAtEnd, bool blockAtEnd) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < length)
            {
                var n = (int)Math.Min(buffer.Length, length - _position);
                buffer.Span[..n].Fill((byte)'x');
                _position += n;
                return n;
            }
            if (blockAtEnd)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (failAtEnd)
            {
                throw new IOException("the source failed half-way (test)");
            }
            return 0;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
