using System.IO.Pipelines;

namespace Backup.Core.Streams;

/// <summary>
/// A stream whose bytes a background producer writes while the caller reads: the producer's
/// failure is the reader's error, and a reader that stops (disposes the stream) stops the producer,
/// which would otherwise go on reading and decrypting a whole backup for nobody.
/// </summary>
internal sealed class ProducedStream : Stream
{
    private readonly Stream _reader;
    private readonly CancellationTokenSource _stop;
    private readonly Task _producing;
    private bool _disposed;

    private ProducedStream(Stream reader, CancellationTokenSource stop, Task producing)
    {
        _reader = reader;
        _stop = stop;
        _producing = producing;
    }

    /// <summary>Starts <paramref name="produce"/> writing into the stream returned.</summary>
    public static ProducedStream Start(Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producing = Task.Run(async () =>
        {
            try
            {
                await produce(pipe.Writer.AsStream(), stop.Token).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Handed to the reader: its next read throws this.
                await pipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return new ProducedStream(pipe.Reader.AsStream(), stop, producing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _reader.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _reader.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _reader.Read(buffer, offset, count);

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            await _stop.CancelAsync().ConfigureAwait(false);
            await _reader.DisposeAsync().ConfigureAwait(false);
            // The producer ends on the cancellation (its error went to the pipe); wait, so nothing it opened outlives the stream.
            await _producing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            _reader.Dispose();
            _producing.Wait(TimeSpan.FromSeconds(30));
            _stop.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
