using System.Collections.Concurrent;
using Backup.Core.Abstractions;

namespace Backup.Storage.Tests;

/// <summary>Names the store a conformance subclass covers, so that a store without one fails <see cref="ConformanceCoverageTests"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConformanceForAttribute(Type provider) : Attribute
{
    public Type Provider { get; } = provider;
}

/// <summary>
/// What every <see cref="IStorageProvider"/> must do, run against each real store (or, for GCS,
/// a protocol fake). A subclass gives a fresh, empty store; the servers come from scripts/test.sh
/// and a missing one fails the tests rather than skipping them.
/// </summary>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    protected IStorageProvider Store { get; private set; } = null!;

    /// <summary>A new, empty store (its own bucket, container or prefix).</summary>
    protected abstract Task<IStorageProvider> CreateStoreAsync();

    /// <summary>How big an upload must be to span several requests (parts, blocks, chunks) of this store.</summary>
    protected virtual long MultiRequestSize => 24 * MiB;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task PutGetExistsListDelete_Work()
    {
        var stored = await Store.PutAsync("dir/a.bin", new MemoryStream([1, 2, 3]));
        await Store.PutAsync("dir/b.bin", new MemoryStream([]));
        await Store.PutAsync("other/c.bin", new MemoryStream([9]));

        Assert.Equal(("dir/a.bin", 3L), (stored.Key, stored.Size));
        Assert.Equal([1, 2, 3], await ReadAllAsync("dir/a.bin"));
        Assert.Empty(await ReadAllAsync("dir/b.bin"));
        Assert.True(await Store.ExistsAsync("dir/a.bin"));
        Assert.False(await Store.ExistsAsync("dir/missing"));
        Assert.Equal([("dir/a.bin", 3L), ("dir/b.bin", 0L)], (await ListAsync("dir/")).Select(o => (o.Key, o.Size)));
        Assert.True(await Store.DeleteAsync("dir/a.bin"));
        Assert.False(await Store.DeleteAsync("dir/a.bin"));
        Assert.False(await Store.ExistsAsync("dir/a.bin"));
        await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => Store.OpenReadAsync("dir/a.bin"));
    }

    [Fact]
    public async Task Put_ExistingKey_ReplacesIt()
    {
        await Store.PutAsync("k", new MemoryStream([1]));
        await Store.PutAsync("k", new MemoryStream([2, 2]));

        Assert.Equal([2, 2], await ReadAllAsync("k"));
        Assert.Single(await ListAsync(""));
    }

    [Fact]
    public async Task HundredMegabyteObject_RoundTripsByteForByte()
    {
        const long size = 100 * MiB + 12_345;
        await Store.PutAsync("big/object.bin", Streams.Seeded(size, seed: 7));

        await using var read = await Store.OpenReadAsync("big/object.bin");

        Assert.Equal(Streams.SeededSha256(size, seed: 7), await Streams.Sha256Async(read));
        Assert.Equal(size, Assert.Single(await ListAsync("big/")).Size);
    }

    [Fact]
    public async Task MoreThanAThousandKeys_AreAllListed_InOrder()
    {
        var keys = Enumerable.Range(0, 1_050).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) => await Store.PutAsync(key, new MemoryStream([1]), ct));

        var listed = await ListAsync("many/");

        Assert.Equal(keys, listed.Select(o => o.Key));
    }

    [Theory]
    [InlineData("with space/file name.bin")]
    [InlineData("unicode/zoë/日本語/🙂.bin")]
    [InlineData("symbols/a+b=c&d;e,f(1)!.bin")]
    public async Task UnusualKeys_RoundTrip(string key)
    {
        await Store.PutAsync(key, new MemoryStream([4, 2]));

        Assert.Equal([4, 2], await ReadAllAsync(key));
        Assert.Equal(key, Assert.Single(await ListAsync(key[..key.IndexOf('/', StringComparison.Ordinal)])).Key);
        Assert.True(await Store.DeleteAsync(key));
    }

    [Fact]
    public async Task UploadWhoseSourceFailsHalfWay_LeavesNoObject_AndKeepsThePreviousOne()
    {
        await Store.PutAsync("kept", new MemoryStream([7]));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("half", Streams.FailingAfter(Streams.Seeded(MultiRequestSize, 3), MultiRequestSize * 3 / 4)));
        var replaced = await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("kept", Streams.FailingAfter(Streams.Seeded(MultiRequestSize, 4), MultiRequestSize * 3 / 4)));

        Assert.Contains("injected failure", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("injected failure", replaced.ToString(), StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync("half"));
        Assert.Equal(["kept"], (await ListAsync("")).Select(o => o.Key));
        Assert.Equal([7], await ReadAllAsync("kept"));
    }

    [Fact]
    public async Task ConcurrentUploads_AreAllIntact()
    {
        var sizes = new ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var size = (i + 1) * 700_001L;
            await Store.PutAsync($"concurrent/{i}", Streams.Seeded(size, i), ct);
            sizes[$"concurrent/{i}"] = size;
        });

        foreach (var (key, size) in sizes)
        {
            await using var read = await Store.OpenReadAsync(key);
            Assert.Equal(Streams.SeededSha256(size, int.Parse(key[^1..], System.Globalization.CultureInfo.InvariantCulture)), await Streams.Sha256Async(read));
        }
    }

    [Fact]
    public async Task CancelledUpload_Throws_AndLeavesNoObject()
    {
        using var cancel = new CancellationTokenSource();
        var upload = Store.PutAsync("cancelled", Streams.BlockingAfter(MultiRequestSize / 2), cancel.Token);
        await Task.Delay(300);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);
        Assert.False(await Store.ExistsAsync("cancelled"));
    }

    [Fact]
    public async Task MalformedKeys_AreRefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../escape", new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync("/absolute"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync("a//b"));
    }

    protected async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected async Task<List<StoredObject>> ListAsync(string prefix)
    {
        var list = new List<StoredObject>();
        await foreach (var item in Store.ListAsync(prefix))
        {
            list.Add(item);
        }
        return list;
    }
}
