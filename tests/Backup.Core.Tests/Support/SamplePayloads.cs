using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Backup.Core.Tests.Support;

/// <summary>Deterministic payloads: random bytes, dump-like text, or a mix, of sizes that stress buffer boundaries.</summary>
public static class SamplePayloads
{
    /// <summary>Sizes right at and around the buffer and frame sizes the code uses.</summary>
    public static readonly int[] BoundarySizes =
    [
        0, 1, 2, 15, 16, 17, 4095, 4096, 4097, 8191, 8192, 8193, 65535, 65536, 65537,
        131071, 131072, 131073, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (2 << 20) + 7, 3 << 20,
    ];

    public static byte[] Create(int size, int seed, int kind)
    {
        var random = new Random(seed);
        var bytes = new byte[size];
        switch (kind % 3)
        {
            case 0:
                random.NextBytes(bytes);
                break;
            case 1:
                FillDumpLike(bytes, random);
                break;
            default:
                FillDumpLike(bytes, random);
                random.NextBytes(bytes.AsSpan(0, size / 3));
                break;
        }
        return bytes;
    }

    /// <summary>A payload: mostly small, often at a boundary, sometimes several MB.</summary>
    public static Arbitrary<byte[]> Payloads(int maxLarge = 3 << 20) =>
        (from size in Gen.Frequency(
                (4, Gen.Choose(0, 70_000)),
                (4, Gen.Elements(BoundarySizes.Where(s => s <= maxLarge).ToArray())),
                (1, Gen.Choose(70_000, maxLarge)))
         from seed in Gen.Choose(0, int.MaxValue - 1)
         from kind in Gen.Choose(0, 2)
         select Create(size, seed, kind)).ToArbitrary();

    private static void FillDumpLike(Span<byte> bytes, Random random)
    {
        string[] names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
        var written = 0;
        var row = 0;
        while (written < bytes.Length)
        {
            var line = $"{row++}\t{names[random.Next(names.Length)]}@example.com\t{random.Next(100000) / 100.0:0.00}\t2026-11-{random.Next(1, 29):00} 12:{random.Next(60):00}:00+00\t{{\"n\":{random.Next(1000)}}}\n";
            var encoded = Encoding.UTF8.GetBytes(line);
            var take = Math.Min(encoded.Length, bytes.Length - written);
            encoded.AsSpan(0, take).CopyTo(bytes[written..]);
            written += take;
        }
    }
}
