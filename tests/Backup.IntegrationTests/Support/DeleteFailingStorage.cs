using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.IntegrationTests.Support;

/// <summary>
/// The real local store, whose deletes start failing on request after a number of them succeeded:
/// a process killed, or a store gone, in the middle of deleting a compaction's sources.
/// </summary>
public sealed class DeleteFailingStorage(string root) : IStorageProvider
{
    private readonly LocalStorageProvider _inner = new(new LocalStorageOptions { RootPath = root });
    private int? _deletesLeft;

    public string Name => "delete-failing(local)";

    /// <summary>After <paramref name="succeeding"/> more deletes, every delete fails; null lets them all through again.</summary>
    public void FailDeletesAfter(int? succeeding) => _deletesLeft = succeeding;

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (_deletesLeft is { } left)
        {
            if (left == 0)
            {
                throw new IOException($"injected failure: deleting {key}");
            }
            _deletesLeft = left - 1;
        }
        return _inner.DeleteAsync(key, cancellationToken);
    }

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => _inner.PutAsync(key, content, cancellationToken);

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => _inner.ExistsAsync(key, cancellationToken);
}
