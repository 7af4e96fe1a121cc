using System.Security.Cryptography;

namespace Backup.Storage.Testing;

/// <summary>Source streams for tests: deterministic content of any length, and streams that misbehave on purpose.</summary>
public static class TestStreams
{
    /// <summary>Yields <paramref name="before"/> bytes, then throws <see cref="IOException"/>.</summary>
    public static Stream FailingAfter(long before) => new ScriptedStream(null, before, failAtEnd: true, blockAtEnd: false);

    /// <summary>Yields the first <paramref name="before"/> bytes of <paramref name="inner"/>, then throws <see cref="IOException"/>.</summary>
    public static Stream FailingAfter(Stream inner, long before) => new ScriptedStream(inner, before, failAtEnd: true, blockAtEnd: false);

    /// <summary>Yields <paramref name="before"/> bytes, then waits until the read is cancelled.</summary>
    public static Stream BlockingAfter(long before) => new ScriptedStream(null, before, failAtEnd: false, blockAtEnd: true);

    /// <summary><paramref name="length"/> pseudo-random bytes, the same for the same seed, generated as read (nothing held in memory).</summary>
    public static Stream Seeded(long length, int seed) => new ScriptedStream(new SeededBytes(seed), length, failAtEnd: false, blockAtEnd: false);

    /// <summary>The SHA-256 of <see cref="Seeded"/>'s content.</summary>
    public static string SeededSha256(long length, int seed)
    {
        using var stream = Seeded(length, seed);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of what is left in <paramref name="stream"/>.</summary>
    public static async Task<string> Sha256Async(Stream stream) => Convert.ToHexString(await SHA256.HashDataAsync(stream).ConfigureAwait(false));

    // xorshift64*: fast, deterministic, incompressible enough for stores and pipelines.
    private sealed class SeededBytes(int seed) : Stream
    {
        private ulong _state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                _state ^= _state >> 12;
                _state ^= _state << 25;
                _state ^= _state >> 27;
                buffer[i] = (byte)((_state * 0x2545F4914F6CDD1DUL) >> 56);
            }
            return buffer.Length;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ScriptedStream(Stream? inner, long length, bool failAtEnd, bool blockAtEnd) : Stream
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
                var wanted = buffer[..(int)Math.Min(buffer.Length, length - _position)];
                int n;
                if (inner is null)
                {
                    wanted.Span.Fill((byte)'x');
                    n = wanted.Length;
                }
                else
                {
                    n = await inner.ReadAsync(wanted, cancellationToken).ConfigureAwait(false);
                }
                _position += n;
                if (n > 0)
                {
                    return n;
                }
            }
            if (blockAtEnd)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            if (failAtEnd)
            {
                throw new IOException("injected failure: the source failed half-way (test)");
            }
            return 0;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
