using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Backup.Core.Recovery;
using Backup.Core.Operations;
using Npgsql;

namespace Backup.Core.Tests.Support;

/// <summary>
/// An in-memory database engine for unit tests of orchestration: dumps a few bytes, keeps its
/// replication slots and its backup lock in memory, and records what it was asked to do.
/// Restores and replay are out of its reach (the integration tests run them on PostgreSQL).
/// </summary>
internal sealed class FakeDatabaseEngine : IDatabaseEngine
{
    private readonly HashSet<string> _slots = new(StringComparer.Ordinal);
    private int _lockHolders;

    public string Name => "fake";

    public string Database { get; init; } = "shop";

    public DatabaseSettings Settings { get; set; } = new();

    /// <summary>Another backup holds the lock: taking it without waiting fails as busy.</summary>
    public bool Busy { get; set; }

    /// <summary>Thrown by a dump after it wrote its bytes.</summary>
    public Exception? DumpFailure { get; set; }

    /// <summary>Called when a slot is acknowledged, before it moves.</summary>
    public Func<string, ulong, Task>? OnAcknowledge { get; set; }

    public bool LockHeld => _lockHolders > 0;

    public IReadOnlyCollection<string> Slots => _slots;

    public List<string> Events { get; } = [];

    public Task<IAsyncDisposable> HoldBackupLockAsync(bool wait, CancellationToken cancellationToken)
    {
        if (Busy && !wait)
        {
            throw new BackupInProgressException("Another backup of 'shop' is running (test).");
        }
        _lockHolders++;
        Events.Add("lock");
        return Task.FromResult<IAsyncDisposable>(new Release(this));
    }

    public async Task<DatabaseDump> DumpAsync(EngineBackupRequest request, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken)
    {
        await destination.WriteAsync("PGDMP fake dump"u8.ToArray(), cancellationToken);
        Events.Add("dump");
        if (DumpFailure is { } failure)
        {
            throw failure;
        }
        return new DatabaseDump(Result(new Dictionary<string, string>()), DateTimeOffset.UnixEpoch, null, null);
    }

    public async Task<DatabaseDump> DumpStartingChainAsync(EngineBackupRequest request, string chainId, string? storeId, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken)
    {
        var slot = SlotFor(chainId, storeId);
        _slots.Add(slot);
        Events.Add("slot " + slot);
        try
        {
            var dump = await DumpAsync(request, destination, parts, cancellationToken);
            var properties = new Dictionary<string, string> { ["slot"] = slot, ["startLsn"] = "0/16B3748", ["shape:public.orders"] = "id:23" };
            return new DatabaseDump(Result(properties), DateTimeOffset.UnixEpoch, "0/16B3748", slot);
        }
        catch
        {
            _slots.Remove(slot);
            throw;
        }
    }

    public string SlotFor(string chainId, string? storeId) => $"backup_core_{(storeId is null ? "" : storeId + "_")}{chainId.ToLowerInvariant().Replace('-', '_')}";

    public bool IsStoreSlot(string slotName, string storeId) => slotName.StartsWith($"backup_core_{storeId}_", StringComparison.Ordinal);

    public Task<IReadOnlyList<SlotStatus>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SlotStatus>>([.. _slots.Order(StringComparer.Ordinal).Select(s => new SlotStatus(s, 0, false))]);

    public Task<string?> HeartbeatAsync(string slotName, CancellationToken cancellationToken)
    {
        Events.Add("heartbeat " + slotName);
        return Task.FromResult<string?>(null);
    }

    public Task DropAsync(string slotName, CancellationToken cancellationToken)
    {
        _slots.Remove(slotName);
        Events.Add("drop " + slotName);
        return Task.CompletedTask;
    }

    public Task DropQuietlyAsync(string slotName) => DropAsync(slotName, CancellationToken.None);

    public async Task DropOthersAsync(string keepSlot, Func<string, bool> isOwn, CancellationToken cancellationToken)
    {
        foreach (var slot in _slots.Where(s => s != keepSlot && isOwn(s)).ToList())
        {
            await DropAsync(slot, cancellationToken);
        }
    }

    public async Task<CapturedChanges> CaptureAsync(string slot, ChangeSegmentWriter writer, ChainSchema schema, string chainId, CancellationToken cancellationToken)
    {
        if (!_slots.Contains(slot))
        {
            throw new ReplicationSlotMissingException(slot);
        }
        Events.Add("capture " + slot);
        await Task.Yield();
        return new CapturedChanges(0x16B3800, null, null, []);
    }

    public async Task AcknowledgeAsync(string slot, ulong endLsn, CancellationToken cancellationToken)
    {
        if (OnAcknowledge is { } onAcknowledge)
        {
            await onAcknowledge(slot, endLsn);
        }
        Events.Add("acknowledge " + slot);
    }

    public Task<TimestampExportResult> ExportSinceAsync(DateTimeOffset since, IReadOnlyList<string>? tables, bool waitIfBusy, ChangeSegmentWriter writer, CancellationToken cancellationToken) =>
        Task.FromResult(new TimestampExportResult(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 0, ["public.orders"], []));

    public void ValidateTargetName(string name, string setting)
    {
    }

    public Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<TableRestorePlan> PlanTableRestoreAsync(IReadOnlyList<string> tables, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake engine does not restore.");

    public Task<IReadOnlyList<string>> RestoreAsync(EngineRestoreRequest request, FullBackupSource source, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake engine does not restore.");

    public Task<IReadOnlyList<string>> RestoreTablesAsync(EngineRestoreRequest request, TableRestorePlan plan, FullBackupSource source, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake engine does not restore.");

    public Task WriteWholeArchiveAsync(FullBackupSource source, Stream output, CancellationToken cancellationToken) => throw new NotSupportedException("The fake engine does not take backups in parts.");

    public Task<string> ListArchiveAsync(Stream source, CancellationToken cancellationToken) => throw new NotSupportedException("The fake engine does not read archives.");

    public Task<IReadOnlyDictionary<string, long>> CountRowsAsync(string database, IReadOnlySet<string> skip, CancellationToken cancellationToken) => throw new NotSupportedException("The fake engine has no tables.");

    public bool LeavesOut(string table) => false;

    public Task DropDatabaseAsync(string database, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<NpgsqlConnection> OpenForReplayAsync(string database, CancellationToken cancellationToken) => throw new NotSupportedException("The fake engine does not replay.");

    private EngineBackupResult Result(IReadOnlyDictionary<string, string> properties) => new()
    {
        Database = Database,
        ServerVersion = "fake 1.0",
        TableRowCounts = new Dictionary<string, long> { ["public.orders"] = 3 },
        Properties = properties,
    };

    private sealed class Release(FakeDatabaseEngine engine) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            engine._lockHolders--;
            engine.Events.Add("unlock");
            return ValueTask.CompletedTask;
        }
    }
}
