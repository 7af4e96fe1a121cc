namespace Backup.Core.Abstractions;

/// <summary>
/// An object store that holds backups: local disk, S3, Azure Blob or Google Cloud Storage.
/// Keys are relative, '/'-separated paths (see <see cref="Storage.StorageKey"/>).
/// </summary>
/// <remarks>
/// Every implementation makes <see cref="PutAsync"/> atomic: readers see either the whole new
/// object or nothing. A put whose source stream throws, or that is cancelled, leaves no object
/// under the key.
/// </remarks>
public interface IStorageProvider
{
    /// <summary>A short name for logs and errors, e.g. <c>local</c> or <c>s3</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Stores everything read from <paramref name="content"/> under <paramref name="key"/>,
    /// replacing any object already there. Reads the stream to its end exactly once.
    /// </summary>
    /// <returns>What was stored.</returns>
    Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the object under <paramref name="key"/> for sequential reading.</summary>
    /// <exception cref="BackupObjectNotFoundException">No object has that key.</exception>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists the objects whose keys start with <paramref name="prefix"/> (a plain string prefix), in ordinal key order.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object under <paramref name="key"/>.</summary>
    /// <returns><see langword="true"/> when an object was deleted, <see langword="false"/> when there was none.</returns>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Tells whether an object exists under <paramref name="key"/>.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);
}
