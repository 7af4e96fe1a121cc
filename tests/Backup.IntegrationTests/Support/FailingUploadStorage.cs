using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.IntegrationTests.Support;

/// <summary>
/// The real local store, with one upload made to fail half-way on request: the upload's source
/// stream throws after a number of bytes, as a connection dropped mid-upload would.
/// </summary>
public sealed class FailingUploadStorage(string root) : IStorageProvider
{
    private readonly LocalStorageProvider _inner = new(new LocalStorageOptions { RootPath = root });
    private (string Prefix, long AfterBytes)? _armed;

    public string Name => "failing-upload(local)";

    /// <summary>The next upload under <paramref name="prefix"/> fails after <paramref name="afterBytes"/> bytes.</summary>
    public void FailNextUpload(string prefix, long afterBytes) => _armed = (prefix, afterBytes);

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        if (_armed is { } armed && key.StartsWith(armed.Prefix, StringComparison.Ordinal))
        {
            _armed = null;
            content = new FailingStream(content, armed.AfterBytes);
        }
        return _inner.PutAsync(key, content, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _inner.ExistsAsync(key, cancellationToken);

    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= failAfter)
            {
                throw new IOException("injected failure: the connection to the store dropped mid-upload");
            }
            var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - _read + 1)], cancellationToken);
            _read += read;
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
