using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Backup.Core.Abstractions;
using Backup.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Storage.S3;

/// <summary>
/// Amazon S3 and S3-compatible stores. Objects up to one part go in one PUT; larger ones stream as
/// a multipart upload with bounded memory (a few parts in flight, part sizes growing to respect
/// the part-count limit), every request carrying a Content-MD5 the server checks, and the stored
/// size and ETag checked after. A failed upload is aborted (a failing abort is logged, never
/// thrown over the real error): nothing becomes visible under the key.
/// </summary>
public sealed partial class S3StorageProvider : IStorageProvider, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly S3StorageOptions _options;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly ILogger _logger;

    /// <summary>Creates the store with a client built from <paramref name="options"/>, without logs.</summary>
    public S3StorageProvider(S3StorageOptions options)
        : this(options, null)
    {
    }

    /// <summary>Creates the store with a client built from <paramref name="options"/>.</summary>
    public S3StorageProvider(S3StorageOptions options, ILogger<S3StorageProvider>? logger)
        : this(S3ClientFactory.Create(options), options, logger)
    {
    }

    /// <summary>Creates the store on an existing client (configured by the caller).</summary>
    public S3StorageProvider(IAmazonS3 client, S3StorageOptions options, ILogger<S3StorageProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        new S3StorageOptionsValidator().ThrowIfInvalid(options);
        _client = client;
        _options = options;
        _bucket = options.BucketName!;
        _prefix = string.IsNullOrEmpty(options.Prefix) ? "" : options.Prefix.Trim('/') + "/";
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => "s3";

    /// <summary>Where the backups are, for logs: <c>s3://bucket/prefix</c>.</summary>
    public override string ToString() => $"s3://{_bucket}/{_prefix}";

    /// <inheritdoc />
    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        ArgumentNullException.ThrowIfNull(content);
        var firstSize = (int)S3PartPlan.SizeOf(0, _options.PartSize, _options.MaxPartCount);
        var first = ArrayPool<byte>.Shared.Rent(firstSize);
        try
        {
            var filled = await StorageStreams.FillAsync(content, first, firstSize, cancellationToken).ConfigureAwait(false);
            return filled < firstSize
                ? await PutSingleAsync(key, first, filled, cancellationToken).ConfigureAwait(false)
                : await PutMultipartAsync(key, first, filled, content, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            var response = await _client.GetObjectAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new BackupObjectNotFoundException($"No object '{key}' in the S3 bucket '{_bucket}'.", ex);
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            throw S3Errors.Wrap(ex, $"reading '{key}' from S3 bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StorageKey.ValidatePrefix(prefix);
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix + prefix };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Errors.IsStoreError(ex))
            {
                throw S3Errors.Wrap(ex, $"listing '{prefix}' in S3 bucket '{_bucket}'");
            }
            // S3 lists in UTF-8 byte order, which is ordinal order for keys without unpaired surrogates.
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new StoredObject(item.Key[_prefix.Length..], item.Size ?? 0, item.LastModified ?? DateTime.UnixEpoch);
            }
            if (page.IsTruncated != true)
            {
                yield break;
            }
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        try
        {
            await _client.DeleteObjectAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            throw S3Errors.Wrap(ex, $"deleting '{key}' from S3 bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        try
        {
            await _client.GetObjectMetadataAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            throw S3Errors.Wrap(ex, $"looking for '{key}' in S3 bucket '{_bucket}'");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task<StoredObject> PutSingleAsync(string key, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        var md5 = ContentMd5.Of(buffer.AsSpan(0, length));
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + key,
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
            AutoCloseStream = false,
            MD5Digest = Convert.ToBase64String(md5),
            // aws-chunked framing is stored as content by some S3-compatible servers (s3rver): send plain bodies.
            UseChunkEncoding = false,
        };
        ApplyStorageSettings(request);
        PutObjectResponse response;
        try
        {
            response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            throw S3Errors.Wrap(ex, $"uploading '{key}' to S3 bucket '{_bucket}'");
        }
        var modified = await CheckStoredAsync(key, length, response.ETag, Convert.ToHexStringLower(md5), cancellationToken).ConfigureAwait(false);
        return new StoredObject(key, length, modified);
    }

    private async Task<StoredObject> PutMultipartAsync(string key, byte[] first, int firstLength, Stream content, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _prefix + key };
        if (_options.ServerSideEncryption is { } sse)
        {
            initiate.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
            initiate.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }
        if (_options.StorageClass is { } storageClass)
        {
            initiate.StorageClass = new S3StorageClass(storageClass);
        }
        string uploadId;
        try
        {
            uploadId = (await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false)).UploadId;
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            throw S3Errors.Wrap(ex, $"starting the upload of '{key}' to S3 bucket '{_bucket}'");
        }
        var parts = new SortedDictionary<int, (string ETag, byte[] Md5)>();
        var uploads = new List<Task>();
        using var slots = new SemaphoreSlim(_options.ParallelParts);
        long total = 0;
        try
        {
            var buffer = first;
            var length = firstLength;
            var ownsBuffer = false;
            for (var number = 1; ; number++)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                ThrowIfAnyFailed(uploads);
                total += length;
                uploads.Add(UploadPartAsync(key, uploadId, number, buffer, length, ownsBuffer, parts, slots, cancellationToken));
                if (length < S3PartPlan.SizeOf(number - 1, _options.PartSize, _options.MaxPartCount))
                {
                    break;
                }
                var nextSize = (int)S3PartPlan.SizeOf(number, _options.PartSize, _options.MaxPartCount);
                buffer = ArrayPool<byte>.Shared.Rent(nextSize);
                ownsBuffer = true;
                length = await StorageStreams.FillAsync(content, buffer, nextSize, cancellationToken).ConfigureAwait(false);
                if (length == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                if (number + 1 > _options.MaxPartCount)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw new BackupStorageException(
                        $"'{key}' is larger than {_options.MaxPartCount} parts can hold ({S3PartPlan.Capacity(_options.PartSize, _options.MaxPartCount):N0} bytes with PartSize {_options.PartSize:N0}); raise PartSize.");
                }
            }
            await Task.WhenAll(uploads).ConfigureAwait(false);
            var complete = new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = _prefix + key,
                UploadId = uploadId,
                PartETags = [.. parts.Select(p => new PartETag(p.Key, p.Value.ETag))],
            };
            CompleteMultipartUploadResponse response;
            try
            {
                response = await _client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Errors.IsStoreError(ex))
            {
                throw S3Errors.Wrap(ex, $"completing the upload of '{key}' to S3 bucket '{_bucket}'");
            }
            // A multipart ETag is the MD5 of the parts' MD5s, a dash, and the part count.
            var expected = Convert.ToHexStringLower(ContentMd5.Of([.. parts.Values.SelectMany(p => p.Md5)])) + "-" + parts.Count;
            var modified = await CheckStoredAsync(key, total, response.ETag, expected, cancellationToken).ConfigureAwait(false);
            return new StoredObject(key, total, modified);
        }
        catch (Exception ex)
        {
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            await AbortAsync(key, uploadId).ConfigureAwait(false);
            if (ex is BackupStorageException or OperationCanceledException || !S3Errors.IsStoreError(ex))
            {
                throw;
            }
            throw S3Errors.Wrap(ex, $"uploading '{key}' to S3 bucket '{_bucket}'");
        }
    }

    private async Task UploadPartAsync(
        string key, string uploadId, int number, byte[] buffer, int length, bool ownsBuffer,
        SortedDictionary<int, (string, byte[])> parts, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            var md5 = ContentMd5.Of(buffer.AsSpan(0, length));
            var response = await _client.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = _prefix + key,
                    UploadId = uploadId,
                    PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, length, writable: false),
                    MD5Digest = Convert.ToBase64String(md5),
                    UseChunkEncoding = false,
                },
                cancellationToken).ConfigureAwait(false);
            lock (parts)
            {
                parts[number] = (response.ETag, md5);
            }
        }
        finally
        {
            if (ownsBuffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            slots.Release();
        }
    }

    private static void ThrowIfAnyFailed(List<Task> uploads)
    {
        if (uploads.FirstOrDefault(u => u.IsFaulted || u.IsCanceled) is { } failed)
        {
            failed.GetAwaiter().GetResult();
        }
    }

    private const int ReadAfterWriteAttempts = 4;

    // The server checked each body against its Content-MD5; this checks what it says it kept, and returns when it stored it.
    private async Task<DateTimeOffset> CheckStoredAsync(string key, long length, string? etag, string expectedEtag, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse stored;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                stored = await _client.GetObjectMetadataAsync(_bucket, _prefix + key, cancellationToken).ConfigureAwait(false);
                if (stored.ContentLength == length || attempt >= ReadAfterWriteAttempts)
                {
                    break;
                }
            }
            // AWS reads its own writes, but some S3-compatible stores (s3rver under load, seen in CI)
            // answer 404, or the size of an object still being written (0 bytes, with the right
            // ETag), for an instant after a successful PUT: look again before calling it lost or damaged.
            catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && attempt < ReadAfterWriteAttempts)
            {
                // Looked at again below.
            }
            catch (Exception ex) when (S3Errors.IsStoreError(ex))
            {
                throw S3Errors.Wrap(ex, $"checking '{key}' after its upload to S3 bucket '{_bucket}'");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt * attempt), cancellationToken).ConfigureAwait(false);
        }
        // With SSE-KMS the ETag is not an MD5. Some S3-compatible stores (s3rver) give a multipart
        // object a plain ETag instead of AWS's md5-of-parts form: there, each part's Content-MD5 and the size are the checks.
        var comparable = _options.ServerSideEncryption is not "aws:kms" && etag is not null
            && etag.Contains('-', StringComparison.Ordinal) == expectedEtag.Contains('-', StringComparison.Ordinal);
        if (stored.ContentLength != length || (comparable && etag!.Trim('"') != expectedEtag))
        {
            throw new BackupStorageException(
                $"S3 stored '{key}' as {stored.ContentLength:N0} bytes with ETag {etag}, but {length:N0} bytes with ETag {expectedEtag} were sent: the store is not keeping the data intact.");
        }
        return stored.LastModified ?? DateTime.UnixEpoch;
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(_bucket, _prefix + key, uploadId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Errors.IsStoreError(ex))
        {
            LogAbortFailed(_logger, key, uploadId, ex.Message);
        }
    }

    private void ApplyStorageSettings(PutObjectRequest request)
    {
        if (_options.ServerSideEncryption is { } sse)
        {
            request.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
            request.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }
        if (_options.StorageClass is { } storageClass)
        {
            request.StorageClass = new S3StorageClass(storageClass);
        }
    }

    [LoggerMessage(3001, LogLevel.Warning, "Aborting the failed multipart upload of {Key} ({UploadId}) failed too: {Reason}. Its parts may be billed until a lifecycle rule removes incomplete uploads")]
    private static partial void LogAbortFailed(ILogger logger, string key, string uploadId, string reason);

    /// <summary>An object's body; disposing it closes the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : ForwardReadStream(response.ResponseStream)
    {
        protected override void OnDispose() => response.Dispose();
    }
}
