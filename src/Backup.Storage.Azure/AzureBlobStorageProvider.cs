using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Backup.Core.Abstractions;
using Backup.Core.Storage;

namespace Backup.Storage.Azure;

/// <summary>
/// Azure Blob Storage. An object is staged as blocks (a few in flight, each with an MD5 the service
/// checks) and becomes visible only when the block list is committed at the end: a failed or
/// cancelled upload leaves the previous blob, or none, and the service discards the staged blocks.
/// </summary>
public sealed class AzureBlobStorageProvider : IStorageProvider
{
    private readonly BlobContainerClient _container;
    private readonly AzureBlobStorageOptions _options;
    private readonly string _prefix;

    /// <summary>Creates the store from options (DefaultAzureCredential with <see cref="AzureBlobStorageOptions.ServiceUri"/>).</summary>
    public AzureBlobStorageProvider(AzureBlobStorageOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates the store from options; <paramref name="credential"/> is used with <see cref="AzureBlobStorageOptions.ServiceUri"/> (DefaultAzureCredential when null).</summary>
    public AzureBlobStorageProvider(AzureBlobStorageOptions options, TokenCredential? credential)
        : this(CreateContainer(options, credential), options)
    {
    }

    /// <summary>Creates the store on an existing container client (configured by the caller).</summary>
    public AzureBlobStorageProvider(BlobContainerClient container, AzureBlobStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        new AzureBlobStorageOptionsValidator().ThrowIfInvalid(options);
        _container = container;
        _options = options;
        _prefix = string.IsNullOrEmpty(options.Prefix) ? "" : options.Prefix.Trim('/') + "/";
    }

    /// <inheritdoc />
    public string Name => "azure";

    /// <summary>Where the backups are, for logs: the container and prefix (the account is in the container's URI; no key is shown).</summary>
    public override string ToString() => $"azure container {_container.Uri.GetLeftPart(UriPartial.Path)}" + (_prefix.Length == 0 ? "" : $" under {_prefix}");

    /// <summary>Creates the container if it does not exist.</summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (AzureErrors.IsStoreError(ex))
        {
            throw AzureErrors.Wrap(ex, $"creating the container '{_container.Name}'");
        }
    }

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var blob = _container.GetBlockBlobClient(_prefix + key);
        var blockIds = new List<string>();
        var staging = new List<Task>();
        using var slots = new SemaphoreSlim(_options.ParallelBlocks);
        long total = 0;
        try
        {
            while (true)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (staging.FirstOrDefault(t => t.IsFaulted || t.IsCanceled) is { } failed)
                {
                    slots.Release();
                    await failed.ConfigureAwait(false);
                }
                var buffer = ArrayPool<byte>.Shared.Rent(_options.BlockSize);
                var length = await StorageStreams.FillAsync(content, buffer, _options.BlockSize, cancellationToken).ConfigureAwait(false);
                if (length == 0 && blockIds.Count > 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    slots.Release();
                    break;
                }
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes(blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
                blockIds.Add(id);
                total += length;
                staging.Add(StageAsync(blob, id, buffer, length, slots, cancellationToken));
                if (length < _options.BlockSize)
                {
                    break;
                }
            }
            await Task.WhenAll(staging).ConfigureAwait(false);
            var options = new CommitBlockListOptions();
            if (_options.AccessTier is { } tier)
            {
                options.AccessTier = new AccessTier(tier);
            }
            await blob.CommitBlockListAsync(blockIds, options, cancellationToken).ConfigureAwait(false);
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (properties.Value.ContentLength != total)
            {
                throw new BackupStorageException($"Azure stored '{key}' as {properties.Value.ContentLength:N0} bytes, but {total:N0} were sent: the store is not keeping the data intact.");
            }
            return new StoredObject(key, total, properties.Value.LastModified);
        }
        catch (Exception ex) when (AzureErrors.IsStoreError(ex))
        {
            await Task.WhenAll(staging.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw AzureErrors.Wrap(ex, $"uploading '{key}' to container '{_container.Name}'");
        }
        catch
        {
            // Staged blocks that are never committed are discarded by the service.
            await Task.WhenAll(staging.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            var download = await _container.GetBlobClient(_prefix + key).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new BackupObjectNotFoundException($"No blob '{key}' in the Azure container '{_container.Name}'.", ex);
        }
        catch (Exception ex) when (AzureErrors.IsStoreError(ex))
        {
            throw AzureErrors.Wrap(ex, $"reading '{key}' from container '{_container.Name}'");
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageKey.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, _prefix + prefix, cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (AzureErrors.IsStoreError(ex))
                {
                    throw AzureErrors.Wrap(ex, $"listing '{prefix}' in container '{_container.Name}'");
                }
                if (!more)
                {
                    yield break;
                }
                foreach (var item in pages.Current.Values)
                {
                    yield return new StoredObject(item.Name[_prefix.Length..], item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.UnixEpoch);
                }
            }
        }
        finally
        {
            await pages.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            return (await _container.GetBlobClient(_prefix + key).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception ex) when (AzureErrors.IsStoreError(ex))
        {
            throw AzureErrors.Wrap(ex, $"deleting '{key}' from container '{_container.Name}'");
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            return (await _container.GetBlobClient(_prefix + key).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception ex) when (AzureErrors.IsStoreError(ex))
        {
            throw AzureErrors.Wrap(ex, $"looking for '{key}' in container '{_container.Name}'");
        }
    }

    private static async Task StageAsync(BlockBlobClient blob, string id, byte[] buffer, int length, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            await blob.StageBlockAsync(
                id,
                new MemoryStream(buffer, 0, length, writable: false),
                new BlockBlobStageBlockOptions { TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 } },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            slots.Release();
        }
    }

    private static BlobContainerClient CreateContainer(AzureBlobStorageOptions options, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(options);
        new AzureBlobStorageOptionsValidator().ThrowIfInvalid(options);
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromSeconds(0.5);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        if (options.ConnectionString is { } connection)
        {
            return new BlobContainerClient(connection, options.ContainerName, clientOptions);
        }
        if (options.ContainerSasUri is { } sas)
        {
            return new BlobContainerClient(new Uri(sas), clientOptions);
        }
        var container = new Uri(options.ServiceUri!.TrimEnd('/') + "/" + options.ContainerName);
        return new BlobContainerClient(container, credential ?? new DefaultAzureCredential(), clientOptions);
    }
}
