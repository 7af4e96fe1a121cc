using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.IntegrationTests.Support;

/// <summary>The real local store, which can be taken down: while <see cref="Down"/>, every call fails as an unreachable server's would.</summary>
public sealed class OutageStorage(string root) : IStorageProvider
{
    private readonly LocalStorageProvider _inner = new(new LocalStorageOptions { RootPath = root });

    public string Name => "outage(local)";

    private volatile bool _down;

    /// <summary>Whether the store refuses every call.</summary>
    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>Calls refused so far.</summary>
    public int Refused => _refused;

    private int _refused;

    public Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default) => Up(() => _inner.PutAsync(key, content, cancellationToken));

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => Up(() => _inner.OpenReadAsync(key, cancellationToken));

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Refuse();
        return _inner.ListAsync(prefix, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Up(() => _inner.DeleteAsync(key, cancellationToken));

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Up(() => _inner.ExistsAsync(key, cancellationToken));

    private Task<T> Up<T>(Func<Task<T>> call)
    {
        Refuse();
        return call();
    }

    private void Refuse()
    {
        if (_down)
        {
            Interlocked.Increment(ref _refused);
            throw new BackupStorageException("The store is unreachable (taken down by the test).");
        }
    }
}
