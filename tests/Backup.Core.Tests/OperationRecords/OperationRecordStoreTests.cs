using System.Text;
using Backup.Core.Encryption;
using Backup.Core.OperationRecords;
using Backup.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.OperationRecords;

/// <summary>Operation records in a store: abandoned owners, cancel markers, expiry, sealing, and ids that never become paths.</summary>
public sealed class OperationRecordStoreTests : IDisposable
{
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _root = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task RunningRecord_WhoseHeartbeatIsTooOld_IsShownAbandoned_NotRewritten_SoTheOwnersLaterEndShows()
    {
        var store = Store();
        var started = _time.GetUtcNow();
        await store.SaveAsync(Record("a", heartbeat: started));

        _time.Advance(TimeSpan.FromSeconds(29));
        var fresh = await store.GetAsync(Id("a"), AbandonAfter);
        _time.Advance(TimeSpan.FromSeconds(2));
        var stale = await store.GetAsync(Id("a"), AbandonAfter);
        var listed = await store.ListAsync(OperationStatus.Abandoned, AbandonAfter);
        var stored = await Store().GetAsync(Id("a"), TimeSpan.FromDays(1));
        await store.SaveAsync(Record("a", heartbeat: _time.GetUtcNow()) with { Status = OperationStatus.Succeeded, CompletedAt = _time.GetUtcNow() });
        var ended = await store.GetAsync(Id("a"), AbandonAfter);

        Assert.Equal(OperationStatus.Running, fresh!.Status);
        Assert.Equal(OperationStatus.Abandoned, stale!.Status);
        Assert.Equal(started, stale.CompletedAt);
        Assert.Contains("replica-1", stale.Error!.Detail, StringComparison.Ordinal);
        Assert.Equal([Id("a")], listed.Select(r => r.Id));
        Assert.Equal(OperationStatus.Running, stored!.Status);
        Assert.Equal(OperationStatus.Succeeded, ended!.Status);
    }

    [Fact]
    public async Task Abandoned_IsJudgedByTheOwnersHeartbeatInterval_NotTheReaders()
    {
        var store = Store();
        await store.SaveAsync(Record("a", heartbeat: _time.GetUtcNow()) with { HeartbeatInterval = TimeSpan.FromMinutes(1) });

        // Past the reader's 30 seconds, within 15 of the owner's minutes.
        _time.Advance(TimeSpan.FromMinutes(14));
        var within = await store.GetAsync(Id("a"), AbandonAfter);
        _time.Advance(TimeSpan.FromMinutes(2));
        var past = await store.GetAsync(Id("a"), AbandonAfter);

        Assert.Equal(OperationStatus.Running, within!.Status);
        Assert.Equal(OperationStatus.Abandoned, past!.Status);
    }

    [Fact]
    public async Task List_IsNewestFirst_FiltersByStatus_AndExpiryDeletesOnlyLongFinishedRecordsWithTheirCancelMarkers()
    {
        var store = Store();
        var now = _time.GetUtcNow();
        await store.SaveAsync(Record("a", now) with { StartedAt = now.AddMinutes(-90), Status = OperationStatus.Succeeded, CompletedAt = now.AddMinutes(-80) });
        await store.SaveAsync(Record("b", now) with { StartedAt = now.AddMinutes(-10), Status = OperationStatus.Failed, CompletedAt = now.AddMinutes(-5) });
        await store.SaveAsync(Record("c", now) with { StartedAt = now.AddMinutes(-1) });
        await store.RequestCancelAsync(Id("a"));

        var all = await store.ListAsync(null, AbandonAfter);
        var failed = await store.ListAsync(OperationStatus.Failed, AbandonAfter);
        var expired = await store.DeleteExpiredAsync(TimeSpan.FromHours(1), AbandonAfter);

        Assert.Equal([Id("c"), Id("b"), Id("a")], all.Select(r => r.Id));
        Assert.Equal([Id("b")], failed.Select(r => r.Id));
        Assert.Equal(1, expired);
        Assert.Equal([Id("c"), Id("b")], (await store.ListAsync(null, AbandonAfter)).Select(r => r.Id));
        Assert.False(await store.IsCancelRequestedAsync(Id("a")));
        Assert.Equal(
            new[] { Id("b") + ".json", Id("c") + ".json" }.Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(_root.Path, "operations")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CancelRequest_IsAMarkerOfItsOwn_ThatARecordWriteDoesNotUndo()
    {
        var store = Store();
        await store.SaveAsync(Record("a", _time.GetUtcNow()));

        await store.RequestCancelAsync(Id("a"));
        await store.SaveAsync(Record("a", _time.GetUtcNow()));

        Assert.True(await store.IsCancelRequestedAsync(Id("a")));
        Assert.False(await store.IsCancelRequestedAsync(Id("b")));
    }

    [Fact]
    public async Task WithAKey_RecordsAreSealed_AndReadBackOnlyWithIt()
    {
        var encryptor = new AesGcmEncryptor(new MasterKeyRing(MasterKey.FromRawKey(new byte[32])));
        var store = Store(encryptor);
        await store.SaveAsync(Record("a", _time.GetUtcNow()) with { Error = new OperationError(422, "failed", "table secret_payroll is missing") });

        var file = Path.Combine(_root.Path, "operations", Id("a") + ".json.enc");
        var read = await store.GetAsync(Id("a"), AbandonAfter);

        Assert.DoesNotContain("secret_payroll", Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        Assert.Equal("table secret_payroll is missing", read!.Error!.Detail);
        // A store without the key lists plain records only: the sealed one is not misread as JSON.
        Assert.Empty(await Store().ListAsync(null, AbandonAfter));
    }

    [Theory]
    [InlineData("../metadata/x")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task NoOperationId_IsNullOnRead_AndRefusedOnWrite(string id)
    {
        var store = Store();

        Assert.False(OperationRecordStore.IsValidId(id));
        Assert.Null(await store.GetAsync(id, AbandonAfter));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RequestCancelAsync(id));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(new OperationRecord { Id = id, Kind = "full" }));
    }

    private OperationRecordStore Store(Backup.Core.Abstractions.IEncryptor? encryptor = null) =>
        new(new LocalStorageProvider(new LocalStorageOptions { RootPath = _root.Path }), encryptor, _time);

    private static string Id(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..32];

    private static OperationRecord Record(string name, DateTimeOffset heartbeat) =>
        new() { Id = Id(name), Kind = "full", StartedAt = heartbeat, HeartbeatAt = heartbeat, Owner = "replica-1" };
}
