using System.Text.Json;
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
        storage.PutAsync(Prefix + record.Id + ".json", new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(record, ManifestJson.Options)), cancellationToken);

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
            DrillRecord? record;
            try
            {
                var stream = await storage.OpenReadAsync(keys[i], cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    record = await JsonSerializer.DeserializeAsync<DrillRecord>(stream, ManifestJson.Options, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (BackupObjectNotFoundException)
            {
                // Deleted between the listing and the read: it is simply no longer there.
                continue;
            }
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    /// <summary>A new record id: UTC time to the millisecond, then a random part so two drills of one millisecond differ.</summary>
    public static string NewId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
}
