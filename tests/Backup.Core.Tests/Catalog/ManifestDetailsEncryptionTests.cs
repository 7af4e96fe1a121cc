using System.Text;
using System.Text.Json.Nodes;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Configuration;
using Backup.Core.Encryption;
using Backup.Core.Pipeline;
using Backup.Core.Tests.Support;

namespace Backup.Core.Tests.Catalog;

/// <summary>The catalog's sealed manifest details: what stays clear, who can open them, and what survives a keyless round trip.</summary>
public sealed class ManifestDetailsEncryptionTests
{
    private readonly MemoryStorageProvider _store = new();
    private readonly MasterKey _key = Keys.Random("k1");

    [Fact]
    public async Task Save_EncryptDetails_RawJsonHoldsNoTableColumnOrCountButKeepsTheEnvelope()
    {
        var catalog = new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true);
        var manifest = Sample("20260102T030405123Z-aaaaaaaa");

        await catalog.SaveAsync(manifest);
        var json = await RawAsync(manifest.Id);

        foreach (var secret in new[] { "sales.orders", "customer_id", "8675309", "shape:", "secret comment", "15.18", "notCovered", "hr.salaries" })
        {
            Assert.DoesNotContain(secret, json, StringComparison.Ordinal);
        }
        var envelope = JsonNode.Parse(json)!;
        Assert.Equal(manifest.Id, (string?)envelope["id"]);
        Assert.Equal("full", (string?)envelope["type"]);
        Assert.Equal("shop", (string?)envelope["database"]);
        Assert.Equal("backup_slot_x", (string?)envelope["properties"]!["slot"]);
        Assert.Equal("k1", (string?)envelope["details"]!["keyId"]);
        Assert.Equal(1234, (long?)envelope["content"]!["storedBytes"]);
        Assert.Equal("0/16B3748", (string?)envelope["endLsn"]);
    }

    [Fact]
    public async Task Find_WithTheKey_ReturnsTheWholeManifest()
    {
        var catalog = new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true);
        var manifest = Sample("20260102T030405123Z-aaaaaaaa");
        await catalog.SaveAsync(manifest);

        var read = await catalog.GetAsync(manifest.Id);

        AssertSameDetails(manifest, read);
        Assert.False(read.DetailsEncrypted);
        Assert.Equal(manifest.Properties.OrderBy(p => p.Key), read.Properties.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task List_WithoutKeys_ReturnsEnvelopesFlaggedDetailsEncrypted()
    {
        await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));

        var listed = await ToListAsync(new BackupCatalog(_store).ListAsync());

        var envelope = Assert.Single(listed);
        Assert.True(envelope.DetailsEncrypted);
        Assert.Equal("k1", envelope.DetailsKeyId);
        Assert.Equal("shop", envelope.Database);
        Assert.Equal(BackupStatus.Completed, envelope.Status);
        Assert.Empty(envelope.TableRowCounts);
        Assert.Null(envelope.Comment);
        Assert.Null(envelope.ServerVersion);
        Assert.Equal(["backup_slot_x", "change-capture"], envelope.Properties.Values.Order(StringComparer.Ordinal));
        var error = Assert.Throws<EncryptionKeyException>(() => envelope.RequireDetails());
        Assert.Equal("k1", error.KeyId);
        Assert.Contains("not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_WrongKeyUnderTheSameId_ReadsAsEnvelopeAndSaysSo()
    {
        await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));

        // Trusting unauthenticated manifests: with the default a wrong key is refused outright (ManifestAuthenticationTests).
        var read = await new BackupCatalog(_store, new MasterKeyRing(Keys.Random("k1")), requireAuthentication: false).GetAsync("20260102T030405123Z-aaaaaaaa");

        Assert.True(read.DetailsEncrypted);
        Assert.False(read.Authenticated);
        Assert.Contains("does not open them", Assert.Throws<EncryptionKeyException>(() => read.RequireDetails()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_RotatedKey_OlderKeyInTheRingOpensDetails()
    {
        await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));

        var read = await new BackupCatalog(_store, new MasterKeyRing(Keys.Random("k2"), [_key]), encryptDetails: true).GetAsync("20260102T030405123Z-aaaaaaaa");

        Assert.False(read.DetailsEncrypted);
        Assert.Equal(8_675_309, read.TableRowCounts["sales.orders"]);
    }

    [Fact]
    public async Task Find_PassphraseKey_RoundTrips()
    {
        var passphrase = MasterKey.FromPassphrase("correct horse battery staple");
        await new BackupCatalog(_store, new MasterKeyRing(passphrase), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));

        var read = await new BackupCatalog(_store, new MasterKeyRing(MasterKey.FromPassphrase("correct horse battery staple"))).GetAsync("20260102T030405123Z-aaaaaaaa");

        AssertSameDetails(Sample("20260102T030405123Z-aaaaaaaa"), read);
    }

    [Fact]
    public async Task Find_PlaintextManifestOfAnOlderVersion_ReadsWholeWithKeysWhenEncryptionIsNotRequired()
    {
        await new BackupCatalog(_store).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));

        var read = await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true, requireAuthentication: false).GetAsync("20260102T030405123Z-aaaaaaaa");

        Assert.False(read.DetailsEncrypted);
        AssertSameDetails(Sample("20260102T030405123Z-aaaaaaaa"), read);
    }

    [Fact]
    public async Task Find_DetailsMovedFromAnotherManifest_DoNotOpen()
    {
        var catalog = new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true);
        await catalog.SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));
        await catalog.SaveAsync(Sample("20260103T030405123Z-bbbbbbbb") with { Comment = "other" });
        var a = JsonNode.Parse(await RawAsync("20260102T030405123Z-aaaaaaaa"))!;
        var b = JsonNode.Parse(await RawAsync("20260103T030405123Z-bbbbbbbb"))!;
        b["details"] = a["details"]!.DeepClone();
        await _store.PutAsync(BackupCatalog.ManifestKey("20260103T030405123Z-bbbbbbbb"), new MemoryStream(Encoding.UTF8.GetBytes(b.ToJsonString())));

        await Assert.ThrowsAsync<BackupIntegrityException>(() => catalog.GetAsync("20260103T030405123Z-bbbbbbbb"));
        var read = await new BackupCatalog(_store, new MasterKeyRing(_key), requireAuthentication: false).GetAsync("20260103T030405123Z-bbbbbbbb");
        Assert.True(read.DetailsEncrypted);
    }

    [Fact]
    public async Task Save_ReadWithoutKeyThenClearFieldChanged_FailsAndLeavesTheAuthenticatedManifest()
    {
        // A host without the key cannot tag a change, and an untagged manifest would be refused by
        // every host with the key, so the change is refused instead of written.
        var keyed = new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true);
        await keyed.SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));
        var keyless = new BackupCatalog(_store);
        var envelope = await keyless.GetAsync("20260102T030405123Z-aaaaaaaa");

        var error = await Assert.ThrowsAsync<EncryptionKeyException>(() =>
            keyless.SaveAsync(envelope with { Properties = new Dictionary<string, string>(envelope.Properties) { ["copy:offsite"] = "failed" } }));
        var read = await keyed.GetAsync("20260102T030405123Z-aaaaaaaa");

        Assert.Equal("k1", error.KeyId);
        Assert.True(read.Authenticated);
        AssertSameDetails(Sample("20260102T030405123Z-aaaaaaaa"), read);
        Assert.False(read.Properties.ContainsKey("copy:offsite"));
    }

    [Fact]
    public async Task Save_ReadWithoutKeyUnchangedToAnotherStore_StaysAuthenticatedWithTheSealedDetails()
    {
        await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));
        var envelope = await new BackupCatalog(_store).GetAsync("20260102T030405123Z-aaaaaaaa");
        var offsite = new MemoryStorageProvider();

        await new BackupCatalog(offsite).SaveAsync(envelope);
        var read = await new BackupCatalog(offsite, new MasterKeyRing(_key)).GetAsync("20260102T030405123Z-aaaaaaaa");

        Assert.True(read.Authenticated);
        AssertSameDetails(Sample("20260102T030405123Z-aaaaaaaa"), read);
    }

    [Fact]
    public async Task Save_ReadWithoutKeyThenDetailChanged_FailsRatherThanLoseIt()
    {
        await new BackupCatalog(_store, new MasterKeyRing(_key), encryptDetails: true).SaveAsync(Sample("20260102T030405123Z-aaaaaaaa"));
        var keyless = new BackupCatalog(_store);
        var envelope = await keyless.GetAsync("20260102T030405123Z-aaaaaaaa");

        await Assert.ThrowsAsync<EncryptionKeyException>(() => keyless.SaveAsync(envelope with { Comment = "changed" }));
    }

    [Fact]
    public void Options_EncryptManifestDetails_OnByDefaultWhileBackupsAreEncrypted()
    {
        var key = Convert.ToBase64String(new byte[32]);

        Assert.True(EncryptorFactory.CreateCatalog(_store, new BackupEncryptionOptions { Key = key }).EncryptsDetails);
        Assert.False(EncryptorFactory.CreateCatalog(_store, new BackupEncryptionOptions { Key = key, EncryptManifestDetails = false }).EncryptsDetails);
        Assert.False(EncryptorFactory.CreateCatalog(_store, new BackupEncryptionOptions { Key = key, Enabled = false }).EncryptsDetails);
        Assert.False(EncryptorFactory.CreateCatalog(_store, new BackupEncryptionOptions()).EncryptsDetails);
    }

    internal static BackupManifest Sample(string id) => new()
    {
        Id = id,
        Type = BackupType.Full,
        Status = BackupStatus.Completed,
        Engine = "postgresql",
        Database = "shop",
        ServerVersion = "15.18",
        ToolVersion = "pg_dump 15.18",
        StartedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.Zero),
        CompletedAt = new DateTimeOffset(2026, 1, 2, 3, 5, 5, TimeSpan.Zero),
        ChainId = id,
        StartLsn = "0/16B3748",
        EndLsn = "0/16B3748",
        SnapshotAt = new DateTimeOffset(2026, 1, 2, 3, 4, 6, TimeSpan.Zero),
        TableRowCounts = new Dictionary<string, long> { ["sales.orders"] = 8_675_309, ["hr.salaries"] = 12 },
        Content = new StoredContent { Key = $"database/{id}.dump.zst.enc", Compression = "zstd", EncryptionAlgorithm = "AES-256-GCM", EncryptionKeyId = "k1", RawBytes = 5678, StoredBytes = 1234, PlainSha256 = "ab", StoredSha256 = "cd" },
        Tables = ["sales.orders", "hr.salaries"],
        Comment = "secret comment",
        ScheduleId = "nightly",
        Properties = new Dictionary<string, string>
        {
            ["slot"] = "backup_slot_x",
            ["mode"] = "change-capture",
            ["shape:sales.orders"] = "id bigint, customer_id uuid",
            ["notCovered"] = "hr.salaries",
        },
    };

    internal static void AssertSameDetails(BackupManifest expected, BackupManifest actual)
    {
        Assert.Equal(expected.TableRowCounts.OrderBy(p => p.Key), actual.TableRowCounts.OrderBy(p => p.Key));
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Schemas, actual.Schemas);
        Assert.Equal(expected.Comment, actual.Comment);
        Assert.Equal(expected.Error, actual.Error);
        Assert.Equal(expected.ServerVersion, actual.ServerVersion);
        Assert.Equal(expected.ToolVersion, actual.ToolVersion);
        Assert.Equal(expected.Properties.Where(p => p.Key != "copy:offsite").OrderBy(p => p.Key), actual.Properties.Where(p => p.Key != "copy:offsite").OrderBy(p => p.Key));
    }

    private async Task<string> RawAsync(string id)
    {
        await using var stream = await _store.OpenReadAsync(BackupCatalog.ManifestKey(id));
        return await new StreamReader(stream).ReadToEndAsync();
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }
        return list;
    }
}
