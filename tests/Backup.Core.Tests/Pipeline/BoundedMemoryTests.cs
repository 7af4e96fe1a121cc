using System.Formats.Tar;
using Backup.Core.Compression;
using Backup.Core.Files;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Pipeline;

[CollectionDefinition(nameof(BoundedMemoryTests), DisableParallelization = true)]
public sealed class BoundedMemoryRunsAlone;

/// <summary>Memory is a limit, not a timing: these run alone so other tests' allocations do not count.</summary>
[Collection(nameof(BoundedMemoryTests))]
public sealed class BoundedMemoryTests : IDisposable
{
    private const long OneGiB = 1L << 30;
    private const long ManagedGrowthLimit = 64L << 20;
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task OneGiB_ThroughZstdAndAesGcmToDiskAndBack_IsByteIdenticalWithBoundedManagedMemory()
    {
        var store = new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path, FlushToDisk = false });
        using var zstd = new ZstdCompressor(level: 1, workers: 2);
        var pipeline = new BackupPipeline(store, zstd, Keys.Encryptor(Keys.Random("k"), AesGcmChunk));
        var generated = new GeneratedContent();

        using var sampler = new ManagedMemorySampler();
        var content = await pipeline.WriteAsync("database/big.dump", (s, ct) => generated.WriteAsync(s, OneGiB, ct));
        bool identical;
        await using (var read = await pipeline.OpenReadAsync(content))
        {
            identical = await generated.MatchesAsync(read, OneGiB);
        }
        var growth = sampler.Stop();

        Assert.True(identical, "the bytes read back differ from the bytes written");
        Assert.Equal(OneGiB, content.RawBytes);
        Assert.True(growth < ManagedGrowthLimit, $"managed memory grew by {growth / (1 << 20)} MB (limit {ManagedGrowthLimit / (1 << 20)} MB)");
    }

    [Fact]
    public async Task FileTreeOver2GiB_StreamsThroughThePipelineWithBoundedManagedMemory()
    {
        // Sparse files: 2.25 GiB to read and archive, almost nothing on disk.
        var tree = Path.Combine(_root.Path, "tree");
        Directory.CreateDirectory(tree);
        foreach (var (name, size) in new[] { ("big-1.bin", 1200L << 20), ("big-2.bin", 1100L << 20) })
        {
            using var file = File.Create(Path.Combine(tree, name));
            file.SetLength(size);
            file.Position = size - 5;
            file.Write("tail!"u8);
        }
        var store = new LocalStorageProvider(new LocalStorageOptions { RootPath = Path.Combine(_root.Path, "store"), FlushToDisk = false });
        using var zstd = new ZstdCompressor(level: 1, workers: 2);
        var pipeline = new BackupPipeline(store, zstd, Keys.Encryptor(Keys.Random("k"), AesGcmChunk));
        var writer = new FileTreeWriter(new FilePatterns([], []), followSymlinks: false, strict: false);

        using var sampler = new ManagedMemorySampler();
        var content = await pipeline.WriteAsync("files/big.tar", (s, ct) => writer.WriteAsync(FileTreeWriter.RootNames([tree]), s, ct));
        long restoredBytes = 0;
        await using (var read = await pipeline.OpenReadAsync(content))
        {
            await using var reader = new TarReader(read);
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                restoredBytes += entry.Length;
            }
        }
        var growth = sampler.Stop();

        Assert.Equal(2300L << 20, restoredBytes);
        Assert.True(content.RawBytes > 2300L << 20);
        Assert.True(growth < ManagedGrowthLimit, $"managed memory grew by {growth / (1 << 20)} MB (limit {ManagedGrowthLimit / (1 << 20)} MB)");
    }

    private const int AesGcmChunk = 1 << 20;
}
