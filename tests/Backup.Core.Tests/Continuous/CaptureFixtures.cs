using System.Collections.Concurrent;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Continuous;
using Backup.Core.Pipeline;
using Backup.Core.Recovery;

namespace Backup.Core.Tests.Continuous;

/// <summary>A chain to capture into, and stores that record or refuse puts, shared by the capture tests.</summary>
internal static class CaptureFixtures
{
    public static readonly DateTimeOffset Start = new(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

    public const string FullId = "20260501T090000000Z-0000000f";

    public static BackupManifest Full(string? endLsn = "0/50", IReadOnlyDictionary<string, string>? properties = null) => new()
    {
        Id = FullId, Type = BackupType.Full, Status = BackupStatus.Completed, Database = "shop", ServerVersion = "17.2", ChainId = FullId,
        StartedAt = Start.AddHours(-1), SnapshotAt = Start.AddHours(-1), EndLsn = endLsn,
        Properties = properties ?? new Dictionary<string, string>(),
    };

    public static BackupManifest Link(string id, string parentId, string startLsn, string? endLsn, IReadOnlyDictionary<string, string>? properties = null) => new()
    {
        Id = id, Type = BackupType.Incremental, Status = BackupStatus.Completed, Database = "shop", ChainId = FullId, ParentId = parentId,
        StartedAt = BackupId.TimeOf(id), StartLsn = startLsn, EndLsn = endLsn,
        Properties = properties ?? new Dictionary<string, string> { [ManifestProperties.IncrementalMode] = ManifestProperties.ChangeCaptureMode },
    };

    public static RecoveryChain Chain(params BackupManifest[] incrementals) => ChainOf(Full(), incrementals);

    public static RecoveryChain ChainOf(BackupManifest full, params BackupManifest[] incrementals) =>
        new(full, incrementals, full.SnapshotAt!.Value, incrementals.Length > 0 ? incrementals[^1].StartedAt : full.SnapshotAt!.Value);

    /// <summary>A segment already in <paramref name="spool"/>, as a session hands it to the uploader.</summary>
    public static async Task<SpooledSegment> SpooledAsync(IStorageProvider spool, string id, string parentId, ulong endLsn, int bytes, DateTimeOffset coveredThrough)
    {
        var key = BackupCatalog.DataKey(BackupType.Incremental, id);
        await spool.PutAsync(key, new MemoryStream(new byte[bytes]));
        var manifest = Link(id, parentId, "0/50", $"0/{endLsn:X}") with
        {
            ChainId = FullId,
            Content = new StoredContent { Key = key, RawBytes = bytes, StoredBytes = bytes, PlainSha256 = "", StoredSha256 = "", Compression = "none" },
        };
        return new SpooledSegment(manifest, endLsn, coveredThrough, coveredThrough);
    }

    /// <summary>Waits (in real time) for <paramref name="done"/>, calling <paramref name="tick"/> between looks (to move a fake clock).</summary>
    public static async Task WaitUntilAsync(Func<bool> done, Action? tick = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met in time.");
            tick?.Invoke();
            await Task.Delay(5);
        }
    }
}

/// <summary>A store that records the keys it stored, in order, and refuses the first <c>failures</c> puts as an unreachable store would.</summary>
internal sealed class RecordingStore(IStorageProvider inner, int failures = 0) : IStorageProvider
{
    private readonly ConcurrentQueue<string> _puts = new();
    private int _refused;

    /// <summary>The keys of the puts that succeeded, in order.</summary>
    public IReadOnlyList<string> Puts => [.. _puts];

    /// <summary>How many puts were refused.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public string Name => inner.Name;

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _refused) <= failures)
        {
            throw new BackupStorageException("the store is away (on purpose)", null, isTransient: true);
        }
        Interlocked.Decrement(ref _refused);
        var stored = await inner.PutAsync(key, content, cancellationToken);
        _puts.Enqueue(key);
        return stored;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => inner.ExistsAsync(key, cancellationToken);
}
