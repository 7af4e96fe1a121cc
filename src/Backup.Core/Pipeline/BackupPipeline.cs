using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Storage;
using Backup.Core.Streams;

namespace Backup.Core.Pipeline;

/// <summary>
/// Moves a backup between an engine and a store in one pass:
/// producer -> SHA-256 of plain bytes -> compressor -> encryptor -> SHA-256 of stored bytes -> store,
/// and back again with every hash and tag checked. A bounded <see cref="Pipe"/> between the
/// producer and the upload gives back-pressure, so memory does not grow with the backup's size.
/// </summary>
internal sealed class BackupPipeline
{
    // At most this much compressed data waits for the upload before the producer is paused.
    private const long PauseWriterThreshold = 8 << 20;
    private const long ResumeWriterThreshold = 4 << 20;
    private const int DrainBufferSize = 1 << 20;
    private static readonly PipeOptions PipeOptions = new(
        pauseWriterThreshold: PauseWriterThreshold,
        resumeWriterThreshold: ResumeWriterThreshold,
        minimumSegmentSize: 64 << 10,
        useSynchronizationContext: false);

    private readonly IStorageProvider _storage;
    private readonly ICompressor _compressor;
    private readonly IEncryptor? _encryptor;
    private readonly bool _encryptByDefault;
    private readonly bool _requireEncryption;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="storage">Where objects go.</param>
    /// <param name="compressor">The codec for new objects (reading uses the codec named in the manifest).</param>
    /// <param name="encryptor">The encryptor, or null when no key is configured.</param>
    /// <param name="encryptByDefault">Whether writes encrypt when the caller does not say.</param>
    /// <param name="requireEncryption">
    /// Whether objects stored in the clear are refused on reading (and not written). Default: on
    /// whenever there is an encryptor that writes by default, because with a key configured a clear
    /// object in the store is either older than the key or planted.
    /// </param>
    public BackupPipeline(IStorageProvider storage, ICompressor compressor, IEncryptor? encryptor = null, bool encryptByDefault = true, bool? requireEncryption = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(compressor);
        if (requireEncryption == true && encryptor is null)
        {
            throw new ArgumentException("Requiring encryption needs an encryptor.", nameof(requireEncryption));
        }
        _storage = storage;
        _compressor = compressor;
        _encryptor = encryptor;
        _encryptByDefault = encryptByDefault && encryptor is not null;
        _requireEncryption = requireEncryption ?? _encryptByDefault;
    }

    // A built-in codec reads what it wrote whatever the host uses today; a host's own codec
    // (BackupSystemBuilder.UseCompressor) reads the objects written under its name.
    private Stream OpenDecompression(string name, Stream source) =>
        !CompressorCatalog.Names.Contains(name, StringComparer.Ordinal) && name == _compressor.Name
            ? _compressor.CreateDecompressionStream(source)
            : CompressorCatalog.CreateDecompressionStream(name, source);

    /// <summary>Whether objects stored in the clear are refused (<see cref="Configuration.BackupEncryptionOptions.RequireEncryption"/>).</summary>
    public bool RequiresEncryption => _requireEncryption;

    /// <summary>A pipeline with the same codec and encryption that writes to <paramref name="storage"/> instead (continuous capture's spool).</summary>
    public BackupPipeline WithStorage(IStorageProvider storage) => new(storage, _compressor, _encryptor, _encryptByDefault, _requireEncryption);

    /// <summary>The store this pipeline writes to.</summary>
    public IStorageProvider Storage => _storage;

    /// <summary>
    /// Runs <paramref name="producer"/>, which writes the plain backup into the stream it is given,
    /// and stores the result under <paramref name="baseKey"/> plus the codec's and the encryptor's
    /// extensions. If the producer or the upload fails or is cancelled, nothing is left under the key.
    /// </summary>
    /// <exception cref="BackupSizeLimitExceededException">The stored object grew past <see cref="PipelineWriteOptions.MaxStoredBytes"/>.</exception>
    public async Task<StoredContent> WriteAsync(
        string baseKey,
        Func<Stream, CancellationToken, Task> producer,
        PipelineWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(producer);
        options ??= new PipelineWriteOptions();
        var compressor = !options.Compress ? new NoCompressor()
            : options.SingleThreadedCompression && _compressor is ZstdCompressor { Workers: > 0 } zstd ? zstd.WithoutWorkers()
            : _compressor;
        var encryptor = ChooseEncryptor(options.Encrypt);
        var key = baseKey + compressor.FileExtension + (encryptor?.FileExtension ?? "");
        StorageKey.Validate(key, nameof(baseKey));

        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipe = new Pipe(PipeOptions);
        var upload = UploadAsync(key, pipe.Reader, failure);
        var produce = Task.Run(() => ProduceAsync(key, producer, pipe.Writer, compressor, encryptor, options.MaxStoredBytes, failure), CancellationToken.None);
        try
        {
            await Task.WhenAll(produce, upload).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The first real failure is the one to report: the other side then fails only
            // because its partner stopped.
            var producerError = produce.Exception?.InnerException;
            var uploadError = upload.Exception?.InnerException;
            var root = producerError is not null and not OperationCanceledException ? producerError : uploadError ?? producerError;
            if (root is null)
            {
                // Both sides ended cancelled (a producer that gave up with OperationCanceledException, as an
                // abandoned capture segment does): that cancellation is the outcome, not a null to throw.
                throw;
            }
            ExceptionDispatchInfo.Throw(root);
        }
        var (rawBytes, plainSha256, storedBytes, storedSha256) = await produce.ConfigureAwait(false);
        return new StoredContent
        {
            Key = key,
            Compression = compressor.Name,
            CompressionLevel = compressor.Level,
            EncryptionAlgorithm = encryptor?.Algorithm,
            EncryptionKeyId = encryptor?.ActiveKeyId,
            RawBytes = rawBytes,
            StoredBytes = storedBytes,
            PlainSha256 = plainSha256,
            StoredSha256 = storedSha256,
        };
    }

    /// <summary>
    /// Opens the plain bytes of a stored object. Encrypted frames are authenticated before their
    /// bytes are returned; at the end, sizes and hashes are compared with <paramref name="content"/>
    /// and a mismatch fails the read with <see cref="BackupIntegrityException"/>.
    /// </summary>
    /// <exception cref="BackupIntegrityException">The object is stored in the clear while encryption is required.</exception>
    public async Task<Stream> OpenReadAsync(StoredContent content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.IsEncrypted && _requireEncryption)
        {
            // Checked before a byte is read: a clear object here would be handed to pg_restore or tar as is.
            throw new BackupIntegrityException(
                $"'{content.Key}' is stored unencrypted, and this host requires encryption (Backup:Encryption:RequireEncryption / {Configuration.BackupEnvironmentVariables.EncryptionRequired}, on by default when a key is configured): "
                + "an unencrypted object in an encrypted store may have been planted there. If it is a backup taken before encryption was turned on, set RequireEncryption to false to read it.");
        }
        if (content.IsEncrypted && _encryptor is null)
        {
            throw new EncryptionKeyException(
                $"'{content.Key}' is encrypted with the key '{content.EncryptionKeyId}', and no encryption key is configured (BACKUP_ENCRYPTION_KEY).",
                content.EncryptionKeyId ?? "");
        }
        var raw = await _storage.OpenReadAsync(content.Key, cancellationToken).ConfigureAwait(false);
        var stored = new HashingStream(raw);
        Stream? decrypted = null;
        try
        {
            decrypted = content.IsEncrypted ? await _encryptor!.OpenDecryptionStreamAsync(stored, content.Key, cancellationToken).ConfigureAwait(false) : null;
            var decompressed = OpenDecompression(content.Compression, decrypted ?? stored);
            return new VerifiedReadStream(content, raw, stored, decrypted, decompressed);
        }
        catch
        {
            decrypted?.Dispose();
            stored.Dispose();
            raw.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Gives the plain bytes of a stored object to <paramref name="consumer"/> and, once it returns,
    /// reads whatever it left to the end, so that every tag, size and hash is checked before its
    /// result is: a consumer may stop early (pg_restore skips what it does not need, a parser stops
    /// at what it was looking for), and a result read from a damaged object must not be returned.
    /// The mirror of <see cref="WriteAsync"/>.
    /// </summary>
    /// <returns>What <paramref name="consumer"/> returned.</returns>
    /// <exception cref="BackupIntegrityException">The object is not intact, even where the consumer did not read.</exception>
    /// <remarks>When the consumer throws, its exception is the one reported and the rest is not read.</remarks>
    public async Task<T> ReadAsync<T>(StoredContent content, Func<Stream, CancellationToken, Task<T>> consumer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        var stream = await OpenReadAsync(content, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var result = await consumer(stream, cancellationToken).ConfigureAwait(false);
            await stream.CopyToAsync(Stream.Null, DrainBufferSize, cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>
    /// Gives the plain bytes of a stored object to <paramref name="consumer"/>, then reads what it
    /// left to the end so that every tag, size and hash is checked (see <see cref="ReadAsync{T}"/>).
    /// </summary>
    /// <exception cref="BackupIntegrityException">The object is not intact, even where the consumer did not read.</exception>
    public Task ReadAsync(StoredContent content, Func<Stream, CancellationToken, Task> consumer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return ReadAsync(content, async (stream, ct) =>
        {
            await consumer(stream, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Reads a stored object to its end, checking every tag, size and hash; throws <see cref="BackupIntegrityException"/> on any damage.</summary>
    public Task VerifyAsync(StoredContent content, CancellationToken cancellationToken = default) =>
        ReadAsync(content, static (_, _) => Task.CompletedTask, cancellationToken);

    private IEncryptor? ChooseEncryptor(bool? encrypt) => encrypt switch
    {
        true => _encryptor ?? throw new BackupConfigurationException(
            "BACKUP_ENCRYPTION_KEY",
            "Encryption was asked for, but no encryption key is configured. Set BACKUP_ENCRYPTION_KEY (base64 of 32 random bytes, or a passphrase of 16+ characters) or Backup:Encryption:Key."),
        false when _requireEncryption => throw new BackupConfigurationException(
            Configuration.BackupEnvironmentVariables.EncryptionRequired,
            "An unencrypted backup was asked for, but this host requires encryption (Backup:Encryption:RequireEncryption) and would refuse to read it back. Leave Encrypt unset, or turn RequireEncryption off."),
        false => null,
        null => _encryptByDefault ? _encryptor : null,
    };

    private async Task<StoredObject> UploadAsync(string key, PipeReader reader, CancellationTokenSource failure)
    {
        try
        {
            var stored = await _storage.PutAsync(key, reader.AsStream(leaveOpen: true), failure.Token).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            return stored;
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            // Stops the producer at its next write instead of letting it run into a closed pipe.
            await failure.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(long RawBytes, string PlainSha256, long StoredBytes, string StoredSha256)> ProduceAsync(
        string key,
        Func<Stream, CancellationToken, Task> producer,
        PipeWriter writer,
        ICompressor compressor,
        IEncryptor? encryptor,
        long? maxStoredBytes,
        CancellationTokenSource failure)
    {
        var token = failure.Token;
        var sink = new DetachableStream(writer.AsStream(leaveOpen: true));
        using var stored = new HashingStream(sink)
        {
            CheckTotal = total =>
            {
                token.ThrowIfCancellationRequested();
                if (total > maxStoredBytes)
                {
                    throw new BackupSizeLimitExceededException(maxStoredBytes.Value, total);
                }
            },
        };
        Stream? encrypting = null;
        Stream? compressing = null;
        try
        {
            encrypting = encryptor?.CreateEncryptionStream(stored, key);
            compressing = compressor.CreateCompressionStream(encrypting ?? stored);
            using var plain = new HashingStream(compressing);
            await producer(plain, token).ConfigureAwait(false);
            // Closing the codec and the cipher writes their trailers; only then is the object complete.
            await compressing.DisposeAsync().ConfigureAwait(false);
            compressing = null;
            if (encrypting is not null)
            {
                await encrypting.DisposeAsync().ConfigureAwait(false);
                encrypting = null;
            }
            await writer.CompleteAsync().ConfigureAwait(false);
            return (plain.BytesCount, plain.FinishHash(), stored.BytesCount, stored.FinishHash());
        }
        catch (Exception ex)
        {
            sink.Detach();
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            // After a failure the sink is detached, so these only release resources.
            compressing?.Dispose();
            encrypting?.Dispose();
        }
    }
}
