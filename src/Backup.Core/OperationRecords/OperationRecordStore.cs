using System.Collections.Concurrent;
using System.Text.Json;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Core.OperationRecords;

/// <summary>
/// Operation records in the backup store (<c>operations/&lt;id&gt;.json</c>, sealed as
/// <c>operations/&lt;id&gt;.json.enc</c> when an encryption key is configured, since a failure's
/// detail may name tables and databases), so that every replica behind a load balancer sees, lists
/// and cancels the operations of the others. A cancellation is a marker object of its own
/// (<c>operations/&lt;id&gt;.cancel</c>): the owner rewrites the record every few seconds, and a flag
/// inside it would be lost to that race.
/// </summary>
public sealed class OperationRecordStore
{
    /// <summary>How many of its owner's heartbeats a running record may miss before it is shown abandoned (a slow store write may miss a few).</summary>
    public const int MissedHeartbeats = 15;

    private const string Prefix = "operations/";
    private readonly IStorageProvider _storage;
    private readonly IEncryptor? _encryptor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Abandoned records are judged on every read: each is logged once per process, not on every poll.
    private readonly ConcurrentDictionary<string, byte> _loggedAbandoned = new(StringComparer.Ordinal);

    /// <summary>Creates the store over <paramref name="storage"/> (the one all replicas share).</summary>
    /// <param name="storage">The backup store.</param>
    /// <param name="encryptor">Seals the records when set.</param>
    /// <param name="time">The clock (heartbeats, expiry).</param>
    /// <param name="logger">Where abandoned and expired records are logged.</param>
    public OperationRecordStore(IStorageProvider storage, IEncryptor? encryptor = null, TimeProvider? time = null, ILogger<OperationRecordStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _encryptor = encryptor;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<OperationRecordStore>.Instance;
    }

    /// <summary>Whether <paramref name="id"/> is an operation id (32 lowercase hexadecimal digits): only such ids become store keys.</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Writes (or overwrites) a record.</summary>
    public async Task SaveAsync(OperationRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = RecordKey(Checked(record.Id));
        var json = JsonSerializer.SerializeToUtf8Bytes(record, ManifestJson.Options);
        if (_encryptor is null)
        {
            await _storage.PutAsync(key, new MemoryStream(json), cancellationToken).ConfigureAwait(false);
            return;
        }
        var sealedRecord = new MemoryStream();
        var encryption = _encryptor.CreateEncryptionStream(sealedRecord, key);
        await using (encryption.ConfigureAwait(false))
        {
            await encryption.WriteAsync(json, cancellationToken).ConfigureAwait(false);
        }
        sealedRecord.Position = 0;
        await _storage.PutAsync(key, sealedRecord, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The record with that id, or null when there is none (never written, expired, or not an
    /// operation id). A running record whose owner has missed <see cref="MissedHeartbeats"/> of its
    /// heartbeats (<paramref name="abandonAfter"/> for a record that does not name its interval) is
    /// shown abandoned; the store is not written, so only the owner ever writes its record.
    /// </summary>
    public async Task<OperationRecord?> GetAsync(string id, TimeSpan abandonAfter, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return null;
        }
        var record = await ReadAsync(RecordKey(id), cancellationToken).ConfigureAwait(false);
        return record is null ? null : Shown(record, abandonAfter);
    }

    /// <summary>Every record, newest first, of <paramref name="status"/> only when it is set.</summary>
    public async Task<IReadOnlyList<OperationRecord>> ListAsync(string? status, TimeSpan abandonAfter, CancellationToken cancellationToken = default)
    {
        var records = new List<OperationRecord>();
        foreach (var key in await RecordKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            // Null when deleted between the listing and the read: it is simply no longer there.
            if (await ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } record)
            {
                record = Shown(record, abandonAfter);
                if (status is null || record.Status == status)
                {
                    records.Add(record);
                }
            }
        }
        return [.. records.OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)];
    }

    /// <summary>Asks the owner of a running operation to cancel it; it notices at its next heartbeat.</summary>
    public async Task RequestCancelAsync(string id, CancellationToken cancellationToken = default)
    {
        await _storage.PutAsync(CancelKey(Checked(id)), new MemoryStream([]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a cancellation of the operation was asked for.</summary>
    public Task<bool> IsCancelRequestedAsync(string id, CancellationToken cancellationToken = default) =>
        _storage.ExistsAsync(CancelKey(Checked(id)), cancellationToken);

    /// <summary>Deletes the records of operations that ended longer than <paramref name="retention"/> ago, with their cancel markers.</summary>
    /// <returns>How many were deleted.</returns>
    public async Task<int> DeleteExpiredAsync(TimeSpan retention, TimeSpan abandonAfter, CancellationToken cancellationToken = default)
    {
        var expired = _time.GetUtcNow() - retention;
        var deleted = 0;
        foreach (var record in await ListAsync(null, abandonAfter, cancellationToken).ConfigureAwait(false))
        {
            if (record.CompletedAt is { } completed && completed < expired)
            {
                await _storage.DeleteAsync(RecordKey(record.Id), cancellationToken).ConfigureAwait(false);
                await _storage.DeleteAsync(CancelKey(record.Id), cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        if (deleted > 0)
        {
            Log.OperationRecordsExpired(_logger, deleted);
        }
        return deleted;
    }

    // A reader never writes the verdict: its read may be stale, and the owner's final write must win.
    private OperationRecord Shown(OperationRecord record, TimeSpan abandonAfter)
    {
        var limit = record.HeartbeatInterval is { } interval && interval > TimeSpan.Zero ? interval * MissedHeartbeats : abandonAfter;
        if (record.Status != OperationStatus.Running || _time.GetUtcNow() - record.HeartbeatAt <= limit)
        {
            return record;
        }
        if (_loggedAbandoned.TryAdd(record.Id, 0))
        {
            Log.OperationAbandoned(_logger, record.Id, record.Kind, record.Owner ?? "unknown", record.HeartbeatAt);
        }
        return record with
        {
            Status = OperationStatus.Abandoned,
            // Its last sign of life: the same on every read, so the record expires a retention after it.
            CompletedAt = record.HeartbeatAt,
            Error = new OperationError(500, "The operation was abandoned", $"The replica that ran it ({record.Owner}) stopped writing its progress at {record.HeartbeatAt:u}; it was probably stopped or crashed. Check the catalog for what it left, and start it again."),
        };
    }

    private async Task<List<string>> RecordKeysAsync(CancellationToken cancellationToken)
    {
        var suffix = RecordKey(string.Empty)[Prefix.Length..];
        var keys = new List<string>();
        await foreach (var item in _storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            // Only what this store writes: a sealed store skips plain records and the other way round.
            if (item.Key.EndsWith(suffix, StringComparison.Ordinal) && IsValidId(item.Key[Prefix.Length..^suffix.Length]))
            {
                keys.Add(item.Key);
            }
        }
        return keys;
    }

    private async Task<OperationRecord?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        Stream stored;
        try
        {
            stored = await _storage.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupObjectNotFoundException)
        {
            return null;
        }
        await using (stored.ConfigureAwait(false))
        {
            if (_encryptor is null)
            {
                return await JsonSerializer.DeserializeAsync<OperationRecord>(stored, ManifestJson.Options, cancellationToken).ConfigureAwait(false);
            }
            var plain = await _encryptor.OpenDecryptionStreamAsync(stored, key, cancellationToken).ConfigureAwait(false);
            await using (plain.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<OperationRecord>(plain, ManifestJson.Options, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string RecordKey(string id) => $"{Prefix}{id}.json{(_encryptor is null ? "" : _encryptor.FileExtension)}";

    private static string CancelKey(string id) => $"{Prefix}{id}.cancel";

    private static string Checked(string id) =>
        IsValidId(id) ? id : throw new ArgumentException($"'{id}' is not an operation id (32 lowercase hexadecimal digits).", nameof(id));
}
