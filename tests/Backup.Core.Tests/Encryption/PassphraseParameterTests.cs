using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Backup.Core.Abstractions;
using Backup.Core.Encryption;

namespace Backup.Core.Tests.Encryption;

/// <summary>
/// Issue #20 item 8: PBKDF2 parameters come from headers anyone with write access to the store
/// can plant; they must neither buy an attacker hours of CPU nor grow memory without bound.
/// </summary>
public class PassphraseParameterTests
{
    private const string Passphrase = "correct horse battery staple";
    private const int IterationsOffset = 11;

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(10_000_001)]
    [InlineData(1)]
    [InlineData(99_999)]
    public async Task Decrypt_HeaderWithIterationsOutOfBounds_FailsFastAsDamage(int iterations)
    {
        var encryptor = new AesGcmEncryptor(new MasterKeyRing(MasterKey.FromPassphrase(Passphrase)));
        var container = WithIterations(await EncryptAsync(encryptor, "rows"u8.ToArray()), iterations);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(() => encryptor.OpenDecryptionStreamAsync(new MemoryStream(container)));

        Assert.Contains("iterations", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Decrypt_ManyHeadersWithDistinctSalts_KeepsABoundedNumberOfStretchedKeys()
    {
        var key = MasterKey.FromPassphrase(Passphrase);
        var reader = new AesGcmEncryptor(new MasterKeyRing(key));
        var container = await EncryptAsync(reader, "rows"u8.ToArray());

        // Planted headers, each with a salt of its own: every one is stretched (and then fails to
        // unwrap), and none may stay in memory beyond the cache's bound.
        for (var i = 0; i < BoundedKeyCache.DefaultCapacity + 8; i++)
        {
            var forged = WithIterations(container, MasterKey.MinIterations, salt: RandomNumberGenerator.GetBytes(16));
            await Assert.ThrowsAsync<EncryptionKeyException>(() => reader.OpenDecryptionStreamAsync(new MemoryStream(forged)));
        }

        Assert.Equal(BoundedKeyCache.DefaultCapacity, key.CachedDerivations);
    }

    [Fact]
    public void Cache_PastItsCapacity_EvictsTheLeastRecentlyUsed()
    {
        var cache = new BoundedKeyCache(2);
        cache.GetOrAdd("a", () => [1]);
        cache.GetOrAdd("b", () => [2]);
        cache.GetOrAdd("a", () => [9]);

        cache.GetOrAdd("c", () => [3]);

        Assert.Equal(2, cache.Count);
        Assert.Equal([1], cache.GetOrAdd("a", () => [9]));
        Assert.Equal([4], cache.GetOrAdd("b", () => [4]));
    }

    private static async Task<byte[]> EncryptAsync(AesGcmEncryptor encryptor, byte[] payload)
    {
        var sealedBytes = new MemoryStream();
        await using (var stream = encryptor.CreateEncryptionStream(sealedBytes))
        {
            await stream.WriteAsync(payload);
        }
        return sealedBytes.ToArray();
    }

    // Rewrites the iteration count and the header checksum, as a forger would: the header must be
    // refused for what it asks, not for a checksum a forger can always recompute.
    private static byte[] WithIterations(byte[] original, int iterations, byte[]? salt = null)
    {
        var container = original.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(container.AsSpan(IterationsOffset), iterations);
        salt?.CopyTo(container.AsSpan(IterationsOffset + 4));
        var keyIdLength = container[8 + 1 + 1 + 1 + 4 + 16];
        var checksumAt = 8 + 1 + 1 + 1 + 4 + 16 + 1 + keyIdLength + 4 + 4 + 12 + 48;
        SHA256.HashData(container.AsSpan(0, checksumAt))[..16].CopyTo(container.AsSpan(checksumAt));
        return container;
    }
}
