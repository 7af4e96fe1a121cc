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
            content = TestStreams.FailingAfter(content, armed.AfterBytes);
        }
        return _inner.PutAsync(key, content, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _inner.ExistsAsync(key, cancellationToken);
}
