using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Pipeline;

/// <summary>ReadAsync checks the whole object whatever its consumer reads: the mirror of WriteAsync.</summary>
public sealed class PipelineReadTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly LocalStorageProvider _store;
    private readonly ZstdCompressor _zstd = new(level: 3, workers: 1);

    public PipelineReadTests() => _store = new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path });

    public void Dispose()
    {
        _zstd.Dispose();
        _root.Dispose();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)] // uncompressed, so the damage is frames after the one read
    public async Task ReadAsync_ConsumerStopsEarlyOnTruncatedObject_ThrowsIntegrityError(bool compress, bool encrypt)
    {
        var (pipeline, content) = await StoreAsync(compress, encrypt);
        var path = Path.Combine(_root.Path, content.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 9 / 10)]);

        await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.ReadAsync(content, ReadFirstKilobyteAsync));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)] // uncompressed, so the damage is frames after the one read
    public async Task ReadAsync_ConsumerStopsEarlyOnByteFlippedNearTheEnd_ThrowsIntegrityError(bool compress, bool encrypt)
    {
        var (pipeline, content) = await StoreAsync(compress, encrypt);
        await FlipByteAsync(content, fromEnd: 10);

        await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.ReadAsync(content, ReadFirstKilobyteAsync));
    }

    [Fact]
    public async Task ReadAsync_ConsumerReadsNothing_StillVerifies()
    {
        var (pipeline, content) = await StoreAsync(compress: false, encrypt: false);
        await FlipByteAsync(content, fromEnd: 1);

        await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.ReadAsync(content, (_, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task ReadAsync_ConsumerThrowsOnDamagedObject_ConsumerExceptionWins()
    {
        var (pipeline, content) = await StoreAsync(compress: true, encrypt: false);
        await FlipByteAsync(content, fromEnd: 10);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ReadAsync<int>(content, async (stream, ct) =>
        {
            await ReadFirstKilobyteAsync(stream, ct);
            throw new InvalidOperationException("consumer failed (test)");
        }));
        Assert.Equal("consumer failed (test)", error.Message);
    }

    [Fact]
    public async Task ReadAsync_ConsumerCatchesTheIntegrityError_ReadAsyncStillThrowsIt()
    {
        var (pipeline, content) = await StoreAsync(compress: true, encrypt: false);
        await FlipByteAsync(content, fromEnd: 1);

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.ReadAsync(content, async (stream, ct) =>
        {
            try
            {
                await stream.CopyToAsync(Stream.Null, ct);
            }
            catch (BackupIntegrityException)
            {
                // A careless consumer: what it read is damaged, and ReadAsync must still say so.
            }
            return 0;
        }));
        Assert.Contains(content.Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_IntactObjectConsumerStopsEarly_ReturnsTheConsumersResult()
    {
        var (pipeline, content) = await StoreAsync(compress: true, encrypt: true);

        var first = await pipeline.ReadAsync(content, async (stream, ct) =>
        {
            var buffer = new byte[1];
            await stream.ReadExactlyAsync(buffer, ct);
            return buffer[0];
        });

        Assert.Equal(Payload[0], first);
    }

    private static readonly byte[] Payload = SamplePayloads.Create(300_000, 5, 1);

    private async Task<(BackupPipeline Pipeline, StoredContent Content)> StoreAsync(bool compress, bool encrypt)
    {
        var pipeline = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("k"), 65536), requireEncryption: encrypt);
        var content = await pipeline.WriteAsync("database/r.dump", (s, ct) => s.WriteAsync(Payload, ct).AsTask(), new PipelineWriteOptions { Compress = compress, Encrypt = encrypt });
        return (pipeline, content);
    }

    private async Task FlipByteAsync(StoredContent content, int fromEnd)
    {
        var path = Path.Combine(_root.Path, content.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^fromEnd] ^= 0x20;
        await File.WriteAllBytesAsync(path, bytes);
    }

    private static async Task<int> ReadFirstKilobyteAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer.Length;
    }
}
