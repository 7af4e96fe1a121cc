using System.Collections.Concurrent;
using System.Globalization;
using Backup.Core.Abstractions;
using Xunit;

namespace Backup.Storage.Testing;

/// <summary>
/// What every <see cref="IStorageProvider"/> must do: put, read, list, delete and exists; objects
/// of 100 MB and empty ones; more than a thousand keys listed in ordinal order; unusual keys;
/// atomic puts (a source that fails half-way, or a cancelled put, leaves no object and keeps the
/// previous one); concurrent uploads; malformed keys refused before any request. Subclass it in
/// an xunit test project and give a fresh, empty store:
/// <code>
/// public sealed class MyStoreConformanceTests : StorageConformanceTests
/// {
///     protected override Task&lt;IStorageProvider&gt; CreateStoreAsync() =&gt;
///         Task.FromResult&lt;IStorageProvider&gt;(new MyStorageProvider(new MyStorageOptions { Bucket = $"test-{Guid.NewGuid():N}" }));
/// }
/// </code>
/// Run it against the real service (or its emulator): a store the test cannot reach fails the tests rather than skipping them.
/// </summary>
public abstract class StorageConformanceTests : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    /// <summary>The store under test, made by <see cref="CreateStoreAsync"/> before each test.</summary>
    protected IStorageProvider Store { get; private set; } = null!;

    /// <summary>A new, empty store (its own bucket, container or prefix).</summary>
    protected abstract Task<IStorageProvider> CreateStoreAsync();

    /// <summary>How big an upload must be to span several requests (parts, blocks, chunks) of this store; 24 MiB unless overridden.</summary>
    protected virtual long MultiRequestSize => 24 * MiB;

    /// <summary>Makes the store for one test.</summary>
    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    /// <summary>Disposes the store when it is disposable; override to remove what the test created (a bucket, a server).</summary>
    public virtual async Task DisposeAsync()
    {
        switch (Store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>The five operations on a few small objects, and a read of a deleted key.</summary>
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

    /// <summary>A second put under a key replaces the first object.</summary>
    [Fact]
    public async Task Put_ExistingKey_ReplacesIt()
    {
        await Store.PutAsync("k", new MemoryStream([1]));
        await Store.PutAsync("k", new MemoryStream([2, 2]));

        Assert.Equal([2, 2], await ReadAllAsync("k"));
        Assert.Single(await ListAsync(""));
    }

    /// <summary>A 100 MB object comes back with the same SHA-256 and is listed with its size.</summary>
    [Fact]
    public async Task HundredMegabyteObject_RoundTripsByteForByte()
    {
        const long size = 100 * MiB + 12_345;
        await Store.PutAsync("big/object.bin", TestStreams.Seeded(size, seed: 7));

        await using var read = await Store.OpenReadAsync("big/object.bin");

        Assert.Equal(TestStreams.SeededSha256(size, seed: 7), await TestStreams.Sha256Async(read));
        Assert.Equal(size, Assert.Single(await ListAsync("big/")).Size);
    }

    /// <summary>A listing spans pages (more than 1,000 keys) and comes in ordinal key order.</summary>
    [Fact]
    public async Task MoreThanAThousandKeys_AreAllListed_InOrder()
    {
        var keys = Enumerable.Range(0, 1_050).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) => await Store.PutAsync(key, new MemoryStream([1]), ct));

        var listed = await ListAsync("many/");

        Assert.Equal(keys, listed.Select(o => o.Key));
    }

    /// <summary>Keys with spaces, non-ASCII letters, emoji and URL-special symbols round-trip and list as written.</summary>
    /// <param name="key">The key.</param>
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

    /// <summary>A put whose source throws half-way fails with the source's error, stores nothing and leaves the previous object.</summary>
    [Fact]
    public async Task UploadWhoseSourceFailsHalfWay_LeavesNoObject_AndKeepsThePreviousOne()
    {
        await Store.PutAsync("kept", new MemoryStream([7]));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("half", TestStreams.FailingAfter(TestStreams.Seeded(MultiRequestSize, 3), MultiRequestSize * 3 / 4)));
        var replaced = await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("kept", TestStreams.FailingAfter(TestStreams.Seeded(MultiRequestSize, 4), MultiRequestSize * 3 / 4)));

        Assert.Contains("injected failure", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("injected failure", replaced.ToString(), StringComparison.Ordinal);
        Assert.False(await Store.ExistsAsync("half"));
        Assert.Equal(["kept"], (await ListAsync("")).Select(o => o.Key));
        Assert.Equal([7], await ReadAllAsync("kept"));
    }

    /// <summary>Eight puts at once, each of a different size, all come back intact.</summary>
    [Fact]
    public async Task ConcurrentUploads_AreAllIntact()
    {
        var sizes = new ConcurrentDictionary<string, long>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var size = (i + 1) * 700_001L;
            await Store.PutAsync($"concurrent/{i}", TestStreams.Seeded(size, i), ct);
            sizes[$"concurrent/{i}"] = size;
        });

        foreach (var (key, size) in sizes)
        {
            await using var read = await Store.OpenReadAsync(key);
            Assert.Equal(TestStreams.SeededSha256(size, int.Parse(key[^1..], CultureInfo.InvariantCulture)), await TestStreams.Sha256Async(read));
        }
    }

    /// <summary>A put cancelled while its source waits throws <see cref="OperationCanceledException"/> and stores nothing.</summary>
    [Fact]
    public async Task CancelledUpload_Throws_AndLeavesNoObject()
    {
        using var cancel = new CancellationTokenSource();
        var upload = Store.PutAsync("cancelled", TestStreams.BlockingAfter(MultiRequestSize / 2), cancel.Token);
        await Task.Delay(300);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);
        Assert.False(await Store.ExistsAsync("cancelled"));
    }

    /// <summary>Keys that break <see cref="Backup.Core.Storage.StorageKey"/>'s rule are refused with <see cref="ArgumentException"/>.</summary>
    [Fact]
    public async Task MalformedKeys_AreRefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../escape", new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync("/absolute"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync("a//b"));
    }

    /// <summary>The whole content of the object under <paramref name="key"/>.</summary>
    protected async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The listing of <paramref name="prefix"/>, collected.</summary>
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
