using Backup.Core.Abstractions;
using Backup.Core.Catalog;

namespace Backup.Core.Drills;

/// <summary>
/// Drill records in the catalog's store (<c>drills/&lt;id&gt;.json</c>), written like the other
/// metadata, so a fresh host with only the bucket sees the drills too.
/// </summary>
internal sealed class DrillStore(IStorageProvider storage)
{
    private const string Prefix = "drills/";

    public Task SaveAsync(DrillRecord record, CancellationToken cancellationToken) =>
        StoredJson.WriteAsync(storage, Prefix + record.Id + ".json", record, cancellationToken);

    /// <summary>The records, newest first; ids sort by time, so only as many are read as the caller takes.</summary>
    public async IAsyncEnumerable<DrillRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var item in storage.ListAsync(Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key.EndsWith(".json", StringComparison.Ordinal))
            {
                keys.Add(item.Key);
            }
        }
        keys.Sort(StringComparer.Ordinal);
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            // Null also when deleted between the listing and the read: it is simply no longer there.
            if (await StoredJson.ReadAsync<DrillRecord>(storage, keys[i], cancellationToken).ConfigureAwait(false) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>A new record id: UTC time to the millisecond, then a random part so two drills of one millisecond differ.</summary>
    public static string NewId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
}
