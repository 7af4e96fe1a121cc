using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Backup.Core.Storage;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;

namespace Backup.Storage.Gcs;

/// <summary>
/// Google Cloud Storage. Uploads are resumable sessions streamed chunk by chunk (one chunk in
/// memory); the object exists only once the last chunk is accepted, so a failed or cancelled
/// upload leaves the previous object, or none. The client checks CRC32C/MD5 of uploads and downloads.
/// </summary>
public sealed class GcsStorageProvider : IStorageProvider, IDisposable
{
    private readonly StorageClient _client;
    private readonly GcsStorageOptions _options;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly RetryOptions _retry;

    /// <summary>Creates the store with a client built from <paramref name="options"/>.</summary>
    public GcsStorageProvider(GcsStorageOptions options)
        : this(CreateClient(options), options)
    {
    }

    /// <summary>Creates the store on an existing client (configured by the caller).</summary>
    public GcsStorageProvider(StorageClient client, GcsStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        new GcsStorageOptionsValidator().ThrowIfInvalid(options);
        _client = client;
        _options = options;
        _bucket = options.BucketName!;
        _prefix = string.IsNullOrEmpty(options.Prefix) ? "" : options.Prefix.Trim('/') + "/";
        // The client's own retries, on the errors Google lists as retriable for idempotent requests, with our timing.
        _retry = new RetryOptions(new RetryTiming(options.InitialRetryBackoff, options.MaxRetryBackoff, 2.0), RetryPredicate.RetriableIdempotentErrors);
    }

    /// <inheritdoc />
    public string Name => "gcs";

    /// <summary>Where the backups are, for logs: <c>gs://bucket/prefix</c>.</summary>
    public override string ToString() => $"gs://{_bucket}/{_prefix}";

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var counted = new CountingStream(content);
        try
        {
            var stored = await _client.UploadObjectAsync(
                _bucket, _prefix + key, "application/octet-stream", counted,
                new UploadObjectOptions { ChunkSize = _options.ChunkSize }, cancellationToken).ConfigureAwait(false);
            if ((long)(stored.Size ?? 0) != counted.Count)
            {
                throw new BackupStorageException($"Google Cloud Storage stored '{key}' as {stored.Size:N0} bytes, but {counted.Count:N0} were sent: the store is not keeping the data intact.");
            }
            return new StoredObject(key, counted.Count, stored.UpdatedDateTimeOffset ?? DateTimeOffset.UnixEpoch);
        }
        catch (Exception ex) when (GcsErrors.IsStoreError(ex) && !counted.SourceFailed)
        {
            throw GcsErrors.Wrap(ex, $"uploading '{key}' to bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        Google.Apis.Storage.v1.Data.Object stored;
        try
        {
            stored = await _client.GetObjectAsync(_bucket, _prefix + key, new GetObjectOptions { RetryOptions = _retry }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (GcsErrors.IsNotFound(ex))
        {
            throw new BackupObjectNotFoundException($"No object '{key}' in the Google Cloud Storage bucket '{_bucket}'.", ex);
        }
        catch (Exception ex) when (GcsErrors.IsStoreError(ex))
        {
            throw GcsErrors.Wrap(ex, $"reading '{key}' from bucket '{_bucket}'");
        }
        // The client downloads into a stream it writes; a bounded pipe turns that into one the caller reads.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20, useSynchronizationContext: false));
        var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            try
            {
                // Pinned to the generation looked up, so a concurrent overwrite cannot mix two objects.
                await _client.DownloadObjectAsync(stored, pipe.Writer.AsStream(), new DownloadObjectOptions(), stop.Token).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(GcsErrors.IsStoreError(ex) ? GcsErrors.Wrap(ex, $"reading '{key}' from bucket '{_bucket}'") : ex).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        return new DownloadStream(pipe.Reader.AsStream(), stop);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageKey.ValidatePrefix(prefix);
        var pages = _client.ListObjectsAsync(_bucket, _prefix + prefix, new ListObjectsOptions { RetryOptions = _retry }).AsRawResponses().GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await pages.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (GcsErrors.IsStoreError(ex))
                {
                    throw GcsErrors.Wrap(ex, $"listing '{prefix}' in bucket '{_bucket}'");
                }
                if (!more)
                {
                    yield break;
                }
                foreach (var item in pages.Current.Items ?? [])
                {
                    yield return new StoredObject(item.Name[_prefix.Length..], (long)(item.Size ?? 0), item.UpdatedDateTimeOffset ?? DateTimeOffset.UnixEpoch);
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
            await _client.DeleteObjectAsync(_bucket, _prefix + key, new DeleteObjectOptions { RetryOptions = _retry }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (GcsErrors.IsNotFound(ex))
        {
            return false;
        }
        catch (Exception ex) when (GcsErrors.IsStoreError(ex))
        {
            throw GcsErrors.Wrap(ex, $"deleting '{key}' from bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            await _client.GetObjectAsync(_bucket, _prefix + key, new GetObjectOptions { RetryOptions = _retry }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (GcsErrors.IsNotFound(ex))
        {
            return false;
        }
        catch (Exception ex) when (GcsErrors.IsStoreError(ex))
        {
            throw GcsErrors.Wrap(ex, $"looking for '{key}' in bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static StorageClient CreateClient(GcsStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        new GcsStorageOptionsValidator().ThrowIfInvalid(options);
        var builder = new StorageClientBuilder();
        if (options.BaseUri is { } baseUri)
        {
            builder.BaseUri = baseUri;
            builder.UnauthenticatedAccess = true;
        }
        else if (options.CredentialFile is { } file)
        {
            builder.Credential = CredentialFactory.FromFile<ServiceAccountCredential>(file).ToGoogleCredential();
        }
        return builder.Build();
    }

    /// <summary>Counts what the client read, and remembers whether the source (not the store) failed.</summary>
    private sealed class CountingStream(Stream inner) : ForwardReadStream(inner)
    {
        public long Count { get; private set; }

        public bool SourceFailed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                Count += read;
                return read;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SourceFailed = true;
                throw;
            }
        }
    }

    /// <summary>The reading end of a download; disposing it stops the download.</summary>
    private sealed class DownloadStream(Stream reader, CancellationTokenSource stop) : ForwardReadStream(reader)
    {
        protected override void OnDispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
