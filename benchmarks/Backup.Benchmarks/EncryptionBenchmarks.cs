using Backup.Core.Encryption;
using BenchmarkDotNet.Attributes;

namespace Backup.Benchmarks;

/// <summary>
/// AES-256-GCM through the library's <see cref="AesGcmEncryptor"/>, on random bytes: in the
/// pipeline the encryptor sees compressed output, which looks random (and GCM's speed does not
/// depend on the data anyway).
/// </summary>
[Config(typeof(Config))]
public class EncryptionBenchmarks
{
    // A fixed, public benchmark key: nothing is protected here, and runs stay reproducible.
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private readonly byte[] _readBuffer = new byte[CodecOperations.ChunkSize];
    private AesGcmEncryptor _encryptor = null!;
    private byte[] _plaintext = [];
    private byte[] _ciphertext = [];

    /// <summary>Builds the plaintext, encrypts it once for the decryption benchmark and checks the round trip.</summary>
    [GlobalSetup]
    public async Task Setup()
    {
        _encryptor = new AesGcmEncryptor(MasterKeyRing.FromRawKey("bench", Key));
        _plaintext = new byte[BenchmarkSettings.DatasetBytes];
        new Random(42).NextBytes(_plaintext);
        using (var output = new MemoryStream())
        {
            Encrypt(output);
            _ciphertext = output.ToArray();
        }

        using var decrypted = new MemoryStream();
        using (var source = new MemoryStream(_ciphertext, writable: false))
        using (var plain = await _encryptor.OpenDecryptionStreamAsync(source))
        {
            await plain.CopyToAsync(decrypted);
        }

        if (!decrypted.ToArray().AsSpan().SequenceEqual(_plaintext))
        {
            throw new InvalidOperationException("AES-GCM did not round-trip.");
        }
    }

    /// <summary>Encrypts the plaintext into a sink that only counts bytes.</summary>
    [Benchmark]
    public long Encrypt()
    {
        using var sink = new CountingStream(Stream.Null);
        Encrypt(sink);
        return sink.BytesWritten;
    }

    /// <summary>Authenticates and decrypts the setup's ciphertext from memory.</summary>
    [Benchmark]
    public async Task<long> Decrypt()
    {
        using var source = new MemoryStream(_ciphertext, writable: false);
        using var plain = await _encryptor.OpenDecryptionStreamAsync(source);
        long total = 0;
        int read;
        while ((read = await plain.ReadAsync(_readBuffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    // Writes in the pipeline's chunk size, as the compressor upstream would.
    private void Encrypt(Stream destination)
    {
        using var stream = _encryptor.CreateEncryptionStream(destination);
        ReadOnlySpan<byte> input = _plaintext;
        while (!input.IsEmpty)
        {
            int count = Math.Min(CodecOperations.ChunkSize, input.Length);
            stream.Write(input[..count]);
            input = input[count..];
        }
    }

    /// <summary>The short job, with MB/s of plaintext.</summary>
    private sealed class Config : ShortRunConfig
    {
        public Config()
            : base(_ => BenchmarkSettings.DatasetBytes)
        {
        }
    }
}
