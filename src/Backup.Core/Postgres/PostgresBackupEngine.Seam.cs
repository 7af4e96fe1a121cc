using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Postgres.Archive;
using Backup.Core.Streams;
using Npgsql;
using NpgsqlTypes;

namespace Backup.Core.Postgres;

/// <summary>The engine seam the backup features depend on (<see cref="IDatabaseEngine"/>), on this engine.</summary>
internal sealed partial class PostgresBackupEngine
{
    string IDatabase.Database => _connection.Database;

    DatabaseSettings IDatabase.Settings => new()
    {
        CapturesChanges = _options.ChangeCapture,
        NewChainOnSchemaChange = _options.NewChainOnSchemaChange,
        MaxSlotLagBytes = MaxSlotLagBytes,
        TimestampColumn = _options.TimestampColumn,
        TimestampOverlap = _options.TimestampOverlap,
    };

    Task<IAsyncDisposable> IDatabaseDumper.HoldBackupLockAsync(bool wait, CancellationToken cancellationToken) => HoldBackupLockAsync(wait, cancellationToken);

    Task<DatabaseDump> IDatabaseDumper.DumpAsync(EngineBackupRequest request, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken) =>
        DumpAsync(request, destination, parts, cancellationToken);

    Task<DatabaseDump> IDatabaseDumper.DumpStartingChainAsync(EngineBackupRequest request, string chainId, string? storeId, Stream destination, IDataPartStore? parts, CancellationToken cancellationToken) =>
        DumpStartingChainAsync(request, chainId, storeId, destination, parts, cancellationToken);

    void IDatabaseRestorer.ValidateTargetName(string name, string setting) => DatabaseName.Validate(name, setting);

    Task<bool> IDatabaseRestorer.DatabaseExistsAsync(string database, CancellationToken cancellationToken) => DatabaseExistsAsync(database, cancellationToken);

    Task<TableRestorePlan> IDatabaseRestorer.PlanTableRestoreAsync(IReadOnlyList<string> tables, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken) =>
        PlanTableRestoreAsync(tables, openSource, cancellationToken);

    Task<IReadOnlyList<string>> IDatabaseRestorer.RestoreAsync(EngineRestoreRequest request, FullBackupSource source, CancellationToken cancellationToken) =>
        RestoreAsync(request, source, cancellationToken);

    Task<IReadOnlyList<string>> IDatabaseRestorer.RestoreTablesAsync(EngineRestoreRequest request, TableRestorePlan plan, FullBackupSource source, CancellationToken cancellationToken) =>
        RestoreTablesAsync(request, plan, source with { Parts = [.. source.Parts.Where(p => plan.TablesWithData.Contains(p.Part.Table!, StringComparer.Ordinal))] }, cancellationToken);

    async Task IDatabaseRestorer.WriteWholeArchiveAsync(FullBackupSource source, Stream output, CancellationToken cancellationToken)
    {
        // A table's parts, in page order, are its rows in the order COPY of the whole table would give them.
        var tables = source.Parts
            .GroupBy(p => p.Part.Table!, StringComparer.Ordinal)
            .Select(table =>
            {
                var (schema, name) = SqlIdentifier.SplitQualified(table.Key);
                var parts = table.OrderBy(p => p.Part.FirstPage ?? 0).ToList();
                return new TableDataSource(
                    schema, name, parts[0].Part.Columns!, parts.Sum(p => p.Part.Content.RawBytes),
                    _ => Task.FromResult<Stream>(new ConcatenatedStream([.. parts.Select(p => p.Open)])));
            })
            .ToList();
        var archive = await source.OpenArchive(cancellationToken).ConfigureAwait(false);
        await using (archive.ConfigureAwait(false))
        {
            await CustomArchiveMerge.WriteAsync(archive, tables, output, cancellationToken).ConfigureAwait(false);
        }
    }

    Task<string> IDatabaseRestorer.ListArchiveAsync(Stream source, CancellationToken cancellationToken) => ListArchiveAsync(source, cancellationToken);

    Task<IReadOnlyDictionary<string, long>> IDatabaseRestorer.CountRowsAsync(string database, IReadOnlySet<string> skip, CancellationToken cancellationToken) =>
        CountRowsAsync(database, skip, cancellationToken);

    bool IDatabaseRestorer.LeavesOut(string table) => CaptureObjectsFilter.IsCaptureTable(table);

    Task IDatabaseRestorer.DropDatabaseAsync(string database, CancellationToken cancellationToken) => DropDatabaseAsync(database, cancellationToken);

    async Task<CapturedChanges> IChangeSource.CaptureAsync(string slot, ChangeSegmentWriter writer, Recovery.ChainSchema schema, string chainId, CancellationToken cancellationToken)
    {
        var captured = await _slots.Capture(slot).DrainAsync(writer, schema.Shapes, chainId, schema.SchemaChangesCaptured, cancellationToken).ConfigureAwait(false);
        return new CapturedChanges(captured.EndLsn, captured.FirstCommit, captured.LastCommit, [.. captured.NewPartitions.Select(p => new TableShape(p.Table, p.Shape))]);
    }

    Task IContinuousChangeSource.StreamAsync(ContinuousStreamRequest request, IChangeStreamConsumer consumer, CancellationToken cancellationToken) =>
        new ContinuousChangeStream(_connection, request.Slot, _options.PublicationName, TimeProvider.System).RunAsync(request, consumer, cancellationToken);

    async Task<ICaptureLease?> IContinuousChangeSource.TryLeaseAsync(string slot, CancellationToken cancellationToken) =>
        await CaptureLock.TryTakeAsync(_connection, slot, cancellationToken).ConfigureAwait(false) is { } held ? new CaptureLease(held) : null;

    Task IChangeSource.AcknowledgeAsync(string slot, ulong endLsn, CancellationToken cancellationToken) => _slots.Capture(slot).AcknowledgeAsync(endLsn, cancellationToken);

    Task<TimestampExportResult> IChangeSource.ExportSinceAsync(DateTimeOffset since, IReadOnlyList<string>? tables, bool waitIfBusy, ChangeSegmentWriter writer, CancellationToken cancellationToken) =>
        new TimestampExport(_connection, _options.TimestampColumn).ExportAsync(since, tables, waitIfBusy, writer, cancellationToken);

    string IReplicationSlots.SlotFor(string chainId, string? storeId) => _slots.SlotFor(chainId, storeId);

    bool IReplicationSlots.IsStoreSlot(string slotName, string storeId) => _slots.IsStoreSlot(slotName, storeId);

    Task<IReadOnlyList<SlotStatus>> IReplicationSlots.ListAsync(CancellationToken cancellationToken) => _slots.ListAsync(cancellationToken);

    async Task<string?> IReplicationSlots.HeartbeatAsync(string slotName, CancellationToken cancellationToken) =>
        await _slots.HeartbeatAsync(slotName, cancellationToken).ConfigureAwait(false) is { } lsn ? new NpgsqlLogSequenceNumber(lsn).ToString() : null;

    Task IReplicationSlots.DropAsync(string slotName, CancellationToken cancellationToken) => _slots.Capture(slotName).DropSlotAsync(cancellationToken);

    Task IReplicationSlots.DropQuietlyAsync(string slotName) => _slots.DropQuietlyAsync(slotName);

    Task IReplicationSlots.DropOthersAsync(string keepSlot, Func<string, bool> isOwn, CancellationToken cancellationToken) => _slots.DropOthersAsync(keepSlot, isOwn, cancellationToken);

    Task<NpgsqlConnection> IReplayTarget.OpenForReplayAsync(string database, CancellationToken cancellationToken) => ServerSessions.OpenForReplayAsync(_connection, database, cancellationToken);
}
