using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Core.Storage;

/// <summary>
/// Stores objects as files under a root directory. A put writes to a staging file, flushes it
/// to disk and renames it into place, so a crash or a cancellation never leaves a partial
/// object under its final key.
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

    /// <summary>The absolute root directory.</summary>
    public string RootPath => _root;

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var finalPath = PathOf(key);
        ArgumentNullException.ThrowIfNull(content);
        var stagingPath = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(_staging);
            var file = new FileStream(stagingPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, CopyBufferSize, cancellationToken).ConfigureAwait(false);
                if (_flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            var directory = Path.GetDirectoryName(finalPath)!;
            Directory.CreateDirectory(directory);
            File.Move(stagingPath, finalPath, overwrite: true);
            if (_flushToDisk)
            {
                DirectorySync.Flush(directory);
            }
            var info = new FileInfo(finalPath);
            return new StoredObject(key, info.Length, info.LastWriteTimeUtc);
        }
        catch (Exception ex)
        {
            File.Delete(stagingPath);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new BackupStorageException($"Could not write '{key}' under '{_root}': {ex.Message}", ex, isTransient: false);
            }
            throw;
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
