using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Pipeline;

public sealed class BackupPipelineTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly LocalStorageProvider _store;
    private readonly ZstdCompressor _zstd = new(level: 3, workers: 2);

    public BackupPipelineTests() => _store = new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path });

    public void Dispose()
    {
        _zstd.Dispose();
        _root.Dispose();
    }

    [Theory]
    [InlineData(true, true, "database/x.dump.zst.enc")]
    [InlineData(true, false, "database/x.dump.zst")]
    [InlineData(false, true, "database/x.dump.enc")]
    [InlineData(false, false, "database/x.dump")]
    public async Task WriteThenRead_EveryCombination_ReturnsSameBytesAndRecordsHowItWasStored(bool compress, bool encrypt, string expectedKey)
    {
        var pipeline = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("k1"), 65536), requireEncryption: encrypt);
        var payload = SamplePayloads.Create((3 << 20) + 5, 1, 1);

        var content = await pipeline.WriteAsync("database/x.dump", (s, ct) => s.WriteAsync(payload, ct).AsTask(), new PipelineWriteOptions { Compress = compress, Encrypt = encrypt });

        Assert.Equal(expectedKey, content.Key);
        Assert.Equal(payload.Length, content.RawBytes);
        Assert.Equal(new FileInfo(Path.Combine(_root.Path, expectedKey)).Length, content.StoredBytes);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload)), content.PlainSha256);
        Assert.Equal(encrypt ? "k1" : null, content.EncryptionKeyId);
        Assert.Equal(compress ? "zstd" : "none", content.Compression);
        await using var read = await pipeline.OpenReadAsync(content);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(payload, copy.ToArray());
        await pipeline.VerifyAsync(content);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Read_AnyStoredByteFlipped_FailsWithIntegrityError(bool compress)
    {
        var pipeline = new BackupPipeline(_store, _zstd);
        var payload = SamplePayloads.Create(500_000, 2, 1);
        var content = await pipeline.WriteAsync("database/y.dump", (s, ct) => s.WriteAsync(payload, ct).AsTask(), new PipelineWriteOptions { Compress = compress });
        var path = Path.Combine(_root.Path, content.Key);
        var bytes = await File.ReadAllBytesAsync(path);

        foreach (var position in new[] { 0, 5, bytes.Length / 2, bytes.Length - 1 })
        {
            bytes[position] ^= 0x20;
            await File.WriteAllBytesAsync(path, bytes);
            await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.VerifyAsync(content));
            bytes[position] ^= 0x20;
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Read_StoredObjectTruncated_FailsWithIntegrityError(bool compress, bool encrypt)
    {
        var pipeline = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("k")), requireEncryption: encrypt);
        var payload = SamplePayloads.Create(200_000, 3, 0);
        var content = await pipeline.WriteAsync("database/t.dump", (s, ct) => s.WriteAsync(payload, ct).AsTask(), new PipelineWriteOptions { Compress = compress, Encrypt = encrypt });
        var path = Path.Combine(_root.Path, content.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)]);

        await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.VerifyAsync(content));
    }

    [Fact]
    public async Task Read_ManifestHashDoesNotMatch_FailsWithIntegrityErrorNamingTheLayer()
    {
        var pipeline = new BackupPipeline(_store, _zstd);
        var content = await pipeline.WriteAsync("database/h.dump", (s, ct) => s.WriteAsync(new byte[1000], ct).AsTask());

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => pipeline.VerifyAsync(content with { PlainSha256 = new string('0', 64) }));
        Assert.Contains("plain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ProducerFails_ReportsItsErrorAndLeavesNothing()
    {
        var pipeline = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("k")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.WriteAsync("database/p.dump", async (s, ct) =>
        {
            await s.WriteAsync(SamplePayloads.Create(4 << 20, 4, 0), ct);
            throw new InvalidOperationException("pg_dump died (test)");
        }));

        Assert.Equal("pg_dump died (test)", error.Message);
        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public async Task Write_CancelledHalfWay_ThrowsCancellationAndLeavesNothing()
    {
        var pipeline = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("k")));
        using var cancel = new CancellationTokenSource();
        var generated = new GeneratedContent();

        var write = pipeline.WriteAsync("database/c.dump", async (s, ct) =>
        {
            await generated.WriteAsync(s, 20 << 20, ct);
            await cancel.CancelAsync();
            await generated.WriteAsync(s, long.MaxValue, ct);
        }, cancellationToken: cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public async Task Write_ProducerGivesUpWithCancellation_ThrowsThatCancellationAndLeavesNothing()
    {
        var pipeline = new BackupPipeline(_store, new NoCompressor());

        // No caller token is cancelled: the producer itself stops (an abandoned capture segment does).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.WriteAsync("database/g.dump", async (s, ct) =>
        {
            await s.WriteAsync(new byte[1000], ct);
            throw new OperationCanceledException("given up (test)");
        }));

        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public async Task Write_PastTheSizeLimit_StopsWithTheLimitAndTheSizeReachedAndLeavesNothing()
    {
        var pipeline = new BackupPipeline(_store, new NoCompressor());

        var error = await Assert.ThrowsAsync<BackupSizeLimitExceededException>(() => pipeline.WriteAsync(
            "database/s.dump",
            (s, ct) => new GeneratedContent().WriteAsync(s, long.MaxValue, ct),
            new PipelineWriteOptions { MaxStoredBytes = 3 << 20 }));

        Assert.Equal(3 << 20, error.LimitBytes);
        Assert.True(error.ReachedBytes > 3 << 20);
        Assert.Contains("3,145,728", error.Message, StringComparison.Ordinal);
        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public async Task Write_StorageFails_ReportsTheStorageErrorAndStopsTheProducer()
    {
        var store = new MemoryStorageProvider { FailAfterBytes = 2 << 20 };
        var pipeline = new BackupPipeline(store, new NoCompressor());
        long produced = 0;

        var error = await Assert.ThrowsAsync<BackupStorageException>(() => pipeline.WriteAsync("database/u.dump", async (s, ct) =>
        {
            var block = new byte[65536];
            while (true)
            {
                await s.WriteAsync(block, ct);
                produced += block.Length;
            }
        }));

        Assert.True(error.IsTransient);
        Assert.Empty(store.Keys);
        // Back-pressure and cancellation stop the producer within a few buffers of the failure.
        Assert.True(produced < 64 << 20, $"the producer wrote {produced} bytes after the store failed");
    }

    [Fact]
    public async Task Write_EncryptWithoutAKey_IsAConfigurationErrorNamingTheVariable()
    {
        var pipeline = new BackupPipeline(_store, _zstd);

        var error = await Assert.ThrowsAsync<BackupConfigurationException>(() => pipeline.WriteAsync("database/e.dump", (s, ct) => Task.CompletedTask, new PipelineWriteOptions { Encrypt = true }));

        Assert.Equal("BACKUP_ENCRYPTION_KEY", error.Setting);
    }

    [Fact]
    public async Task Read_EncryptedButNoKeyConfigured_IsAKeyErrorNamingTheKey()
    {
        var writer = new BackupPipeline(_store, _zstd, Keys.Encryptor(Keys.Random("prod")));
        var content = await writer.WriteAsync("database/k.dump", (s, ct) => s.WriteAsync(new byte[10], ct).AsTask());

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() => new BackupPipeline(_store, _zstd).OpenReadAsync(content));

        Assert.Equal("prod", error.KeyId);
    }

    [Fact]
    public async Task Write_BaseKeyWithPathTraversal_IsRejectedBeforeAnythingRuns()
    {
        var pipeline = new BackupPipeline(_store, _zstd);
        var ran = false;

        await Assert.ThrowsAsync<ArgumentException>(() => pipeline.WriteAsync("../outside", (s, ct) => { ran = true; return Task.CompletedTask; }));

        Assert.False(ran);
    }
}
