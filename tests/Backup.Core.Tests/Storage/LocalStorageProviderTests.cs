using System.Security.Cryptography;
using Backup.Core.Abstractions;
using Backup.Core.Storage;
using FsCheck;
using FsCheck.Fluent;
using Backup.Core.Tests.Support;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Storage;

public sealed class LocalStorageProviderTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly LocalStorageProvider _store;

    public LocalStorageProviderTests() => _store = new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path });

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task PutThenRead_ReturnsTheSameBytesAndSize()
    {
        var payload = RandomNumberGenerator.GetBytes(300_000);

        var stored = await _store.PutAsync("database/a b/ünïcode.dump", new MemoryStream(payload));

        Assert.Equal(payload.Length, stored.Size);
        await using var read = await _store.OpenReadAsync("database/a b/ünïcode.dump");
        var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(payload, copy.ToArray());
        Assert.True(await _store.ExistsAsync("database/a b/ünïcode.dump"));
    }

    [Fact]
    public async Task Put_ExistingKey_ReplacesTheObject()
    {
        await _store.PutAsync("k", new MemoryStream([1, 2, 3]));
        await _store.PutAsync("k", new MemoryStream([4]));

        await using var read = await _store.OpenReadAsync("k");
        Assert.Equal(4, read.ReadByte());
        Assert.Equal(-1, read.ReadByte());
    }

    [Fact]
    public async Task Delete_RemovesTheObjectAndReportsWhetherOneExisted()
    {
        await _store.PutAsync("metadata/x.json", new MemoryStream([1]));

        Assert.True(await _store.DeleteAsync("metadata/x.json"));
        Assert.False(await _store.DeleteAsync("metadata/x.json"));
        Assert.False(await _store.ExistsAsync("metadata/x.json"));
    }

    [Fact]
    public async Task OpenRead_MissingKey_ThrowsNotFoundNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<BackupObjectNotFoundException>(() => _store.OpenReadAsync("database/missing.dump"));
        Assert.Contains("database/missing.dump", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriters_DifferentKeys_AllObjectsIntact()
    {
        var payloads = Enumerable.Range(0, 32).Select(i => SamplePayloads.Create(50_000 + i, i, i)).ToArray();

        await Task.WhenAll(payloads.Select((p, i) => Task.Run(() => _store.PutAsync($"files/{i:D3}.tar", new MemoryStream(p)))));

        for (var i = 0; i < payloads.Length; i++)
        {
            await using var read = await _store.OpenReadAsync($"files/{i:D3}.tar");
            var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(payloads[i], copy.ToArray());
        }
        Assert.Equal(32, await _store.ListAsync("files/").CountAsync());
    }

    [Fact]
    public async Task Put_CancelledHalfWay_LeavesNoObjectAndNoStagingFile()
    {
        using var cancel = new CancellationTokenSource();
        var put = _store.PutAsync("database/big.dump", Backup.TestSupport.Streams.BlockingAfter(5 << 20), cancel.Token);
        await WaitForStagingFileAsync();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
        Assert.False(await _store.ExistsAsync("database/big.dump"));
        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public async Task Put_SourceFailsHalfWay_LeavesNoObjectAndKeepsThePreviousOne()
    {
        await _store.PutAsync("database/a.dump", new MemoryStream([42]));

        await Assert.ThrowsAnyAsync<IOException>(() => _store.PutAsync("database/a.dump", Backup.TestSupport.Streams.FailingAfter(3 << 20)));

        await using var read = await _store.OpenReadAsync("database/a.dump");
        Assert.Equal(42, read.ReadByte());
        Assert.Equal(["database/a.dump"], _root.AllFiles());
    }

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("a/./b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\b")]
    [InlineData("..\\..\\x")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("C:/x")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("a\u001bb")]
    [InlineData(".staging/x")]
    public async Task EveryOperation_BadKey_ThrowsArgumentExceptionNamingTheKey(string key)
    {
        var errors = new List<ArgumentException>
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1]))),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.OpenReadAsync(key)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DeleteAsync(key)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.ExistsAsync(key)),
        };
        Assert.All(errors, e => Assert.Contains("Invalid storage key", e.Message, StringComparison.Ordinal));
        Assert.Empty(_root.AllFiles());
    }

    [Fact]
    public void BadKey_LongerThanTheLimit_IsRejected()
    {
        Assert.False(StorageKey.IsValid(new string('a', StorageKey.MaxLength + 1)));
        Assert.True(StorageKey.IsValid(new string('a', StorageKey.MaxLength)));
    }

    [Property(MaxTest = 100)]
    public Property List_AnyPrefix_ReturnsExactlyTheKeysStartingWithIt() =>
        Prop.ForAll(KeySets(), Gen.Choose(0, 1000).ToArbitrary(), (keys, pick) =>
        {
            using var root = new TempDirectory();
            var store = new LocalStorageProvider(new LocalStorageOptions { RootPath = root.Path, FlushToDisk = false });
            foreach (var key in keys)
            {
                store.PutAsync(key, new MemoryStream([1])).GetAwaiter().GetResult();
            }
            // Prefixes cut anywhere in a key: whole folders, partial names, and the empty prefix.
            var source = keys[pick % keys.Length];
            var prefix = source[..(pick % (source.Length + 1))];
            if (prefix.EndsWith('/') && prefix.Length > 1 && prefix[^2] == '/')
            {
                return true;
            }
            var listed = store.ListAsync(prefix).Select(o => o.Key).ToListAsync().AsTask().GetAwaiter().GetResult();
            var expected = keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToList();
            return listed.SequenceEqual(expected);
        });

    private static Arbitrary<string[]> KeySets()
    {
        var segment = Gen.Elements("database", "metadata", "files", "a", "ab", "abc", "b", "x y", "é", "2026-11-30", "z.json");
        var key = Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(segment, n)).Select(parts => string.Join('/', parts));
        // A key cannot also be a folder on a file system; keep sets where no key is a folder of another.
        return Gen.NonEmptyListOf(key)
            .Select(list => list.Distinct().ToArray())
            .Where(keys => !keys.Any(a => keys.Any(b => b.StartsWith(a + "/", StringComparison.Ordinal))))
            .ToArbitrary();
    }

    private async Task WaitForStagingFileAsync()
    {
        for (var i = 0; i < 500 && _root.AllFiles().Count == 0; i++)
        {
            await Task.Delay(10);
        }
        Assert.NotEmpty(_root.AllFiles());
    }
}
