using Backup.Core.Encryption;
using Backup.Core.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Backup.Core.Tests.Encryption.EncryptionTestHelpers;

namespace Backup.Core.Tests.Encryption;

public class AesGcmContainerProperties
{
    private const int Chunk = 4096;
    private static readonly MasterKey Key = Keys.Random("test-key");
    private static readonly AesGcmEncryptor Encryptor = Keys.Encryptor(Key, Chunk);

    // Several frames, so flips and cuts land in the header, in inner frames and in the final frame.
    private static Arbitrary<byte[]> SmallPayloads =>
        (from size in Gen.Frequency((3, Gen.Choose(0, 5 * Chunk)), (2, Gen.Elements(0, 1, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk, 3 * Chunk)))
         from seed in Gen.Choose(0, 1_000_000)
         select SamplePayloads.Create(size, seed, seed)).ToArbitrary();

    // Object keys as the catalog names them, and some it never would (empty, non-ASCII).
    private static Arbitrary<string> ObjectKeys =>
        Gen.OneOf(
            from id in Gen.Choose(0, 99_999_999)
            from suffix in Gen.Elements(".dump.zst.enc", ".changes.gz.enc", ".roles.json.enc", ".tar.br.enc")
            from prefix in Gen.Elements("database/", "files/")
            select $"{prefix}20260102T030405123Z-{id:x8}{suffix}",
            Gen.Elements("", "x", "données/ü.enc")).ToArbitrary();

    [Property(MaxTest = 100)]
    public Property RoundTrip_AnyPayloadChunkSizeAndObjectKey_ReturnsSameBytes() =>
        Prop.ForAll(
            SamplePayloads.Payloads(),
            Gen.Elements(4096, 5000, 65536, 1 << 20).ToArbitrary(),
            ObjectKeys,
            (payload, chunk, objectKey) =>
            {
                var encryptor = Keys.Encryptor(Key, chunk);
                return Decrypt(encryptor, Encrypt(encryptor, payload, objectKey), objectKey).AsSpan().SequenceEqual(payload);
            });

    [Property(MaxTest = 100)]
    public Property OpenedUnderAnotherObjectKey_FailsWithIntegrityError() =>
        Prop.ForAll(SmallPayloads, ObjectKeys, ObjectKeys, (payload, written, read) =>
            written == read || FailsIntegrity(Encryptor, Encrypt(Encryptor, payload, written), read));

    [Property(MaxTest = 300)]
    public Property AnySingleFlippedByte_FailsWithIntegrityError() =>
        Prop.ForAll(SmallPayloads, Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), Gen.Choose(1, 255).ToArbitrary(), (payload, position, mask) =>
        {
            var container = Encrypt(Encryptor, payload);
            container[position % container.Length] ^= (byte)mask;
            return FailsIntegrity(Encryptor, container);
        });

    [Property(MaxTest = 300)]
    public Property AnyTruncation_FailsWithIntegrityError() =>
        Prop.ForAll(SmallPayloads, Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (payload, cut) =>
        {
            var container = Encrypt(Encryptor, payload);
            return FailsIntegrity(Encryptor, container[..(cut % container.Length)]);
        });

    [Property(MaxTest = 100)]
    public Property AppendedBytes_FailWithIntegrityError() =>
        Prop.ForAll(SmallPayloads, Gen.Choose(1, 2 * Chunk + 40).ToArbitrary(), (payload, extra) =>
        {
            var container = Encrypt(Encryptor, payload);
            var extended = container.Concat(SamplePayloads.Create(extra, extra, 0)).ToArray();
            return FailsIntegrity(Encryptor, extended);
        });

    [Property(MaxTest = 100)]
    public Property SwappedFrames_FailWithIntegrityError() =>
        Prop.ForAll(Gen.Choose(2, 6).ToArbitrary(), Gen.Choose(0, 1_000_000).ToArbitrary(), (frames, seed) =>
        {
            var payload = SamplePayloads.Create((frames * Chunk) + (seed % Chunk), seed, 0);
            var container = Encrypt(Encryptor, payload);
            var headerLength = HeaderLength(container);
            var frame = Chunk + 16;
            var i = seed % frames;
            var j = (i + 1 + (seed / 7 % (frames - 1))) % frames;
            var a = container.AsSpan(headerLength + (i * frame), frame).ToArray();
            container.AsSpan(headerLength + (j * frame), frame).CopyTo(container.AsSpan(headerLength + (i * frame)));
            a.CopyTo(container.AsSpan(headerLength + (j * frame)));
            return FailsIntegrity(Encryptor, container);
        });

    [Property(MaxTest = 50)]
    public Property FrameSplicedFromAnotherContainer_FailsWithIntegrityError() =>
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var payload = SamplePayloads.Create((3 * Chunk) + 10, seed, 1);
            var first = Encrypt(Encryptor, payload);
            var second = Encrypt(Encryptor, payload);
            var headerLength = HeaderLength(first);
            second.AsSpan(headerLength, Chunk + 16).CopyTo(first.AsSpan(headerLength));
            return FailsIntegrity(Encryptor, first);
        });

    [Fact]
    public void DroppedFinalFrame_FailsWithIntegrityError()
    {
        var container = Encrypt(Encryptor, SamplePayloads.Create(2 * Chunk, 1, 0));
        // Exactly two full frames and an empty final frame (its tag only): cut the final frame.
        Assert.True(FailsIntegrity(Encryptor, container[..^16]));
    }

    [Fact]
    public void Header_NeverContainsTheMasterKeyOrDataKeyInTheClear()
    {
        var raw = new byte[32];
        new Random(7).NextBytes(raw);
        var encryptor = new AesGcmEncryptor(MasterKeyRing.FromRawKey("k", raw));
        var container = Encrypt(encryptor, new byte[100]);
        Assert.Equal(-1, container.AsSpan().IndexOf(raw));
    }

    private static int HeaderLength(byte[] container) =>
        ContainerHeader.ReadAsync(new MemoryStream(container), ObjectKey, CancellationToken.None).GetAwaiter().GetResult().Bytes.Length;
}
