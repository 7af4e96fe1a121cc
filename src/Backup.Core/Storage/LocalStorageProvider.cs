using System.Buffers;
using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Core.Storage;

/// <summary>
/// Stores objects as files under a root directory. A put writes to a staging file, flushes it
/// to disk and renames it into place, so a crash or a cancellation never leaves a partial
/// object under its final key. Backups are private to the account the host runs as: files are
/// created 0600 and folders 0700 whatever the umask (a backup holds the whole database).
/// </summary>
public sealed class LocalStorageProvider : IStorageProvider
{
    // Staging files live under the root (same file system, so the rename is atomic) in a folder
    // no valid key can name.
    private const string StagingFolder = ".staging";
    private const int CopyBufferSize = 1 << 20;

    private readonly string _root;
    private readonly string _staging;
    private readonly bool _flushToDisk;

    /// <summary>Creates the store from options.</summary>
    public LocalStorageProvider(IOptions<LocalStorageOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Creates the store.</summary>
    public LocalStorageProvider(LocalStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RootPath))
        {
            throw new BackupConfigurationException("Backup:Storage:Local:RootPath", "The local storage root path (BACKUP_DIR) is empty.");
        }
        _root = Path.GetFullPath(options.RootPath);
        _staging = Path.Combine(_root, StagingFolder);
        _flushToDisk = options.FlushToDisk;
    }

    /// <inheritdoc />
    public string Name => "local";

    /// <summary>Where the backups are, for logs: the directory.</summary>
    public override string ToString() => $"local directory {_root}";

    /// <summary>The absolute root directory.</summary>
    public string RootPath => _root;

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var finalPath = PathOf(key);
        ArgumentNullException.ThrowIfNull(content);
        var stagingPath = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var file = FileSystem(key, () =>
            {
                PrivateFiles.CreateDirectory(_staging);
                return new FileStream(stagingPath, PrivateFiles.CreateNew(FileAccess.Write, bufferSize: 0));
            });
            await using (file.ConfigureAwait(false))
            {
                int read;
                // Errors of the source pass through as they are; only the file system's become storage errors.
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await FileSystemAsync(key, () => file.WriteAsync(buffer.AsMemory(0, read), cancellationToken)).ConfigureAwait(false);
                }
                if (_flushToDisk)
                {
                    FileSystem(key, () => { file.Flush(flushToDisk: true); return 0; });
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            return FileSystem(key, () =>
            {
                var directory = Path.GetDirectoryName(finalPath)!;
                PrivateFiles.CreateDirectory(directory);
                File.Move(stagingPath, finalPath, overwrite: true);
                if (_flushToDisk)
                {
                    DirectorySync.Flush(directory);
                }
                var info = new FileInfo(finalPath);
                return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
            });
        }
        catch
        {
            File.Delete(stagingPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, CopyBufferSize, FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupObjectNotFoundException($"No object '{key}' in local storage at '{_root}'.", ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageKey.ValidatePrefix(prefix);
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Combine(_root, prefix[..lastSlash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }
        var keys = new List<(string Key, FileInfo Info)>();
        var enumeration = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", enumeration))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (key.StartsWith(prefix, StringComparison.Ordinal) && !key.StartsWith(StagingFolder + "/", StringComparison.Ordinal))
            {
                keys.Add((key, file));
            }
        }
        keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (var (key, info) in keys)
        {
            yield return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathOf(key)));

    /// <summary>
    /// Deletes staging files older than <paramref name="grace"/> (by their last write): what a put
    /// interrupted by a crash leaves. A put in progress writes all the time, so it is never that old.
    /// </summary>
    /// <returns>How many were deleted.</returns>
    internal int RemoveStaleStagingFiles(TimeSpan grace, DateTimeOffset now)
    {
        if (!Directory.Exists(_staging))
        {
            return 0;
        }
        var removed = 0;
        foreach (var file in new DirectoryInfo(_staging).EnumerateFiles())
        {
            if (now - file.LastWriteTimeUtc > grace)
            {
                file.Delete();
                removed++;
            }
        }
        return removed;
    }

    private T FileSystem<T>(string key, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(key, ex);
        }
    }

    private async ValueTask FileSystemAsync(string key, Func<ValueTask> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(key, ex);
        }
    }

    // ENOSPC and EDQUOT surface as IOException; the message carries the OS's words ("No space left on device").
    private BackupStorageException WriteFailed(string key, Exception ex) =>
        new($"Could not write '{key}' under '{_root}': {ex.Message}", ex, isTransient: false);

    private string PathOf(string key)
    {
        StorageKey.Validate(key);
        if (key == StagingFolder || key.StartsWith(StagingFolder + "/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid storage key '{key}': '{StagingFolder}' is reserved by the local store.", nameof(key));
        }
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // Defence in depth: StorageKey already rules out every way out of the root.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Invalid storage key '{key}': it resolves outside the storage root.", nameof(key));
        }
        return path;
    }
}
