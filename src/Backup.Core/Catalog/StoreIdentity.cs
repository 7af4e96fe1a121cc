using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Backup.Core.Abstractions;

namespace Backup.Core.Catalog;

/// <summary>
/// A short random identity of a store, kept in the store itself (<c>metadata/store-id</c>, made on
/// first use). Replication slots carry it in their names, so that two stores backing up one
/// database — or two hosts with their own stores — each drop only the slots of their own chains.
/// Hosts sharing a store share its identity.
/// </summary>
internal static partial class StoreIdentity
{
    /// <summary>Where the identity is kept.</summary>
    public const string Key = BackupCatalog.MetadataPrefix + "store-id";

    /// <summary>Reads the store's identity, creating it when the store has none.</summary>
    public static async Task<string> GetOrCreateAsync(IStorageProvider storage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!await storage.ExistsAsync(Key, cancellationToken).ConfigureAwait(false))
        {
            using var created = new MemoryStream(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))));
            await storage.PutAsync(Key, created, cancellationToken).ConfigureAwait(false);
        }
        // Read back: when two hosts create it at once, the one stored last is the one both use.
        var stream = await storage.OpenReadAsync(Key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var id = (await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).Trim();
            return Pattern().IsMatch(id)
                ? id
                : throw new BackupIntegrityException($"The store's identity ({Key}) is not 8 lower-case hex digits. Restore it from a copy of the store, or delete it to make a new one (the slots of existing chains stay this store's: their manifests name them).");
        }
    }

    [GeneratedRegex(@"\A[0-9a-f]{8}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
