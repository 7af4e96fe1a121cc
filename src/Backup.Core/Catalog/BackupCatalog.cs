using System.Runtime.CompilerServices;
using System.Text.Json;
using Backup.Core.Abstractions;
using Backup.Core.Encryption;

namespace Backup.Core.Catalog;

/// <summary>
/// The manifests in a store: <c>metadata/&lt;id&gt;.json</c>, each written after its backup's data.
/// Data objects live under <c>database/</c> and <c>files/</c>, named by the backup's id.
/// With keys, a manifest's details (tables, row counts, column names and types, comment, error,
/// file roots) are stored encrypted and opened transparently on reading; without the key a
/// manifest reads as its envelope, flagged <see cref="BackupManifest.DetailsEncrypted"/>.
/// </summary>
internal sealed class BackupCatalog
{
    private readonly IStorageProvider _storage;
    private readonly ManifestDetailsCipher? _cipher;
    private readonly ManifestAuthenticator? _authenticator;
    private readonly bool _encryptDetails;
    private readonly bool _requireAuthentication;
    private readonly CatalogIndex _index = new();
    private volatile IndexedView? _indexed;

    /// <summary>Creates a catalog over <paramref name="storage"/>.</summary>
    /// <param name="storage">The store.</param>
    /// <param name="keys">Keys that open encrypted manifest details and authenticate manifests; none when null (such manifests read as envelopes).</param>
    /// <param name="encryptDetails">Whether new manifests' details are encrypted under the active key of <paramref name="keys"/>.</param>
    /// <param name="requireAuthentication">
    /// Whether a manifest without a valid authentication tag is refused (by <see cref="FindAsync"/>
    /// and <see cref="GetAsync"/>) and skipped (by <see cref="ListAsync"/>). Default: whenever
    /// <paramref name="keys"/> are given; manifests are tagged whenever keys are given.
    /// </param>
    public BackupCatalog(IStorageProvider storage, MasterKeyRing? keys = null, bool encryptDetails = false, bool? requireAuthentication = null)
        : this(
            storage,
            keys is null ? null : new ManifestDetailsCipher(keys),
            keys is null ? null : new ManifestAuthenticator(keys),
            encryptDetails,
            requireAuthentication ?? keys is not null)
    {
    }

    private BackupCatalog(IStorageProvider storage, ManifestDetailsCipher? cipher, ManifestAuthenticator? authenticator, bool encryptDetails, bool requireAuthentication)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (encryptDetails && cipher is null)
        {
            throw new ArgumentException("Encrypting manifest details needs the keys to encrypt them with.", nameof(encryptDetails));
        }
        if (requireAuthentication && authenticator is null)
        {
            throw new ArgumentException("Requiring authenticated manifests needs the keys to check them with.", nameof(requireAuthentication));
        }
        _storage = storage;
        _cipher = cipher;
        _authenticator = authenticator;
        _encryptDetails = encryptDetails;
        _requireAuthentication = requireAuthentication;
    }

    /// <summary>Where manifests live.</summary>
    public const string MetadataPrefix = "metadata/";

    /// <summary>The prefixes data objects live under.</summary>
    public static readonly IReadOnlyList<string> DataPrefixes = ["database/", "files/"];

    /// <summary>The store.</summary>
    public IStorageProvider Storage => _storage;

    /// <summary>Whether new manifests' details are stored encrypted.</summary>
    public bool EncryptsDetails => _encryptDetails;

    /// <summary>A catalog of another store with the same keys: a copy must not store details in the clear.</summary>
    internal BackupCatalog On(IStorageProvider other) => new(other, _cipher, _authenticator, _encryptDetails, _requireAuthentication);

    /// <summary>Whether manifests without a valid authentication tag are refused and skipped.</summary>
    public bool RequiresAuthentication => _requireAuthentication;

    /// <summary>The manifest's key for a backup id.</summary>
    public static string ManifestKey(string id) => $"{MetadataPrefix}{BackupId.Validate(id)}.json";

    /// <summary>The data object's key (before compression and encryption extensions) for a backup.</summary>
    public static string DataKey(BackupType type, string id) => type switch
    {
        BackupType.Full => $"database/{BackupId.Validate(id)}.dump",
        BackupType.Incremental => $"database/{BackupId.Validate(id)}.changes",
        BackupType.Files => $"files/{BackupId.Validate(id)}.tar",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown backup type."),
    };

    /// <summary>The key (before compression and encryption extensions) of part number <paramref name="index"/> of a full backup taken in parts.</summary>
    public static string PartKey(string id, int index) => $"database/{BackupId.Validate(id)}.part-{index:D5}.copy";

    /// <summary>The key (before compression and encryption extensions) of the roles object a full backup stores with its dump.</summary>
    public static string RolesKey(string id) => $"database/{BackupId.Validate(id)}.roles.json";

    /// <summary>
    /// Every manifest <see cref="ListAsync"/> would return, as this catalog last listed them plus
    /// its own saves and deletes since, newest first; null until a listing has read them all. Read
    /// without I/O, for gauges.
    /// </summary>
    internal IReadOnlyList<BackupManifest>? Indexed
    {
        get
        {
            var reads = _index.Snapshot();
            if (reads is null)
            {
                return null;
            }
            var view = _indexed;
            if (!ReferenceEquals(reads, view?.Reads))
            {
                view = new IndexedView(reads, [.. reads.Where(Listable).Select(r => r.Manifest)]);
                _indexed = view;
            }
            return view.Manifests;
        }
    }

    /// <summary>Stores a manifest: for a completed backup, this is the moment it becomes restorable.</summary>
    public async Task SaveAsync(BackupManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var json = JsonSerializer.SerializeToUtf8Bytes(Tagged(manifest, ToStored(manifest)), ManifestJson.Options);
        var key = ManifestKey(manifest.Id);
        var stored = await _storage.PutAsync(key, new MemoryStream(json), cancellationToken).ConfigureAwait(false);
        try
        {
            // Held as a listing would read it back, so the next listing need not. Not cancellable: the
            // manifest is stored, and a cancellation here must not make the caller think it is not.
            _index.Saved(manifest.Id, stored, await InterpretAsync(manifest.Id, key, new MemoryStream(json), CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException)
        {
            // The manifest is stored, which is what the caller asked for; the next listing reads it
            // from the store and reports there whatever makes it unreadable.
            _index.Removed(manifest.Id);
        }
    }

    /// <summary>The manifest of <paramref name="id"/>, or null when there is none.</summary>
    /// <exception cref="InvalidBackupIdException">The id is malformed.</exception>
    /// <exception cref="BackupIntegrityException">The manifest is damaged, or is not authenticated while authentication is required.</exception>
    /// <exception cref="EncryptionKeyException">The manifest's tag names a key that is not configured, or does not check under the configured key of that id.</exception>
    public async Task<BackupManifest?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await ReadAsync(id, cancellationToken).ConfigureAwait(false) is not { } read)
        {
            return null;
        }
        if (read.WhyNotAuthenticated is { } whyNot && _requireAuthentication)
        {
            // A key not configured, or another key under the tag's key id (its key check differs), is a
            // configuration problem with its own fix; anything else means the manifest is not what was written.
            throw read.KeyProblem && read.Manifest.Mac is { } mac
                ? new EncryptionKeyException($"The manifest '{ManifestKey(id)}' cannot be authenticated: {whyNot}. Configure the key it was written with (Backup:Encryption:Key, or Backup:Encryption:DecryptionKeys after a rotation).", mac.KeyId)
                : NotAuthenticated(ManifestKey(id), whyNot);
        }
        return read.Manifest;
    }

    // A manifest as read from the store, or null when there is none.
    private async Task<ManifestRead?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var key = ManifestKey(id);
        Stream stream;
        try
        {
            stream = await _storage.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupObjectNotFoundException)
        {
            return null;
        }
        await using (stream.ConfigureAwait(false))
        {
            return await InterpretAsync(id, key, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    // A manifest's bytes, and why it is not authenticated when it is not; nothing in it is used
    // before that is known. Its details are opened only when the tag checks, or when no tag is required.
    private async Task<ManifestRead> InterpretAsync(string id, string key, Stream stream, CancellationToken cancellationToken)
    {
        BackupManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(stream, ManifestJson.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new BackupIntegrityException($"The manifest '{key}' is damaged and cannot be read ({ex.Message}).", ex);
        }
        if (manifest is null || manifest.Id != id)
        {
            throw new BackupIntegrityException($"The manifest '{key}' does not describe the backup '{id}' (it names '{manifest?.Id}').");
        }
        string? whyNot = "no encryption key is configured to check its authentication tag";
        var keyProblem = false;
        var authenticated = _authenticator?.Verify(manifest, out whyNot, out keyProblem) == true;
        manifest = manifest with { Authenticated = authenticated, CanonicalAsRead = ManifestAuthenticator.CanonicalBytes(manifest) };
        if (!authenticated && _requireAuthentication)
        {
            return new ManifestRead(manifest, whyNot, keyProblem);
        }
        return new ManifestRead(Opened(manifest, key), authenticated ? null : whyNot, keyProblem);
    }

    // Never listed when not authenticated while that is required, so retention cannot be steered by
    // it (a planted "newer" backup pushing real ones out of the kept set, or one naming another
    // backup's objects to delete).
    private bool Listable(ManifestRead read) => read.WhyNotAuthenticated is null || !_requireAuthentication;

    private static BackupIntegrityException NotAuthenticated(string key, string whyNot) => new(
        $"The manifest '{key}' is not authenticated: {whyNot}. It is not trusted while Backup:Encryption:RequireEncryption ({Configuration.BackupEnvironmentVariables.EncryptionRequired}) is on, the default with a key: "
        + "a manifest anyone with write access to the store could have written must not pick what is restored. If it is a backup taken before encryption was configured, or before this version of Backup.Core, set RequireEncryption to false to read it.");

    // The stored form with its tag: a new one under the active key; without keys, only the tag it
    // was read with, and only when nothing it covers has changed (a host without the key cannot vouch for a change).
    private BackupManifest Tagged(BackupManifest manifest, BackupManifest stored)
    {
        if (_authenticator is not null)
        {
            return _authenticator.Sign(stored);
        }
        if (stored.Mac is not { } mac)
        {
            return stored;
        }
        if (manifest.CanonicalAsRead is { } asRead && ManifestAuthenticator.CanonicalBytes(stored).AsSpan().SequenceEqual(asRead))
        {
            return stored;
        }
        throw new EncryptionKeyException(
            $"The manifest of backup '{manifest.Id}' is authenticated with the key '{mac.KeyId}', which is not configured here, so this host cannot record a change to it (a changed manifest without a valid tag would be refused by every host with the key). Configure the key '{mac.KeyId}' to update it.",
            mac.KeyId);
    }

    // What is written: the whole manifest, or its envelope with the details sealed.
    private BackupManifest ToStored(BackupManifest manifest)
    {
        if (manifest.DetailsEncrypted)
        {
            // Read without the key: its sealed details are written back as they were. Only envelope
            // fields (a failed copy, a broken chain) can have changed; anything else would be lost.
            if (!ManifestDetails.Of(manifest).IsEmpty)
            {
                throw new EncryptionKeyException($"The details of backup '{manifest.Id}' are encrypted and no configured key opens them, so they cannot be changed.", manifest.DetailsKeyId ?? "");
            }
            return ManifestDetails.EnvelopeOf(manifest) with { DetailsEncrypted = false };
        }
        if (!_encryptDetails)
        {
            return manifest with { SealedDetails = null };
        }
        var details = JsonSerializer.SerializeToUtf8Bytes(ManifestDetails.Of(manifest), ManifestJson.Compact);
        return ManifestDetails.EnvelopeOf(manifest) with { SealedDetails = _cipher!.Seal(manifest.Id, details) };
    }

    // A manifest as callers see it: whole when its details are in the clear or a key opens them,
    // else its envelope, flagged.
    private BackupManifest Opened(BackupManifest stored, string key)
    {
        if (stored.SealedDetails is not { } sealedDetails)
        {
            return stored;
        }
        string? whyNot = $"they are encrypted with the key '{sealedDetails.KeyId}', which is not configured (no encryption key is)";
        if (_cipher?.TryOpen(stored.Id, sealedDetails, out whyNot) is not { } plaintext)
        {
            return ManifestDetails.EnvelopeOf(stored) with { DetailsEncrypted = true, DetailsUnreadableReason = whyNot };
        }
        ManifestDetails? details;
        try
        {
            details = JsonSerializer.Deserialize<ManifestDetails>(plaintext, ManifestJson.Compact);
        }
        catch (JsonException ex)
        {
            throw new BackupIntegrityException($"The encrypted details of the manifest '{key}' are damaged and cannot be read ({ex.Message}).", ex);
        }
        return (details ?? new ManifestDetails()).MergeInto(stored) with { SealedDetails = null };
    }

    /// <summary>The manifest of <paramref name="id"/>.</summary>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    public async Task<BackupManifest> GetAsync(string id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw BackupNotFoundException.ForId(id, _storage.Name);

    /// <summary>
    /// Manifests matching <paramref name="query"/>, newest first. One LIST of the store; a manifest
    /// is read only when it is new or the store lists it with another size or time than when this
    /// catalog last read or wrote it.
    /// </summary>
    public async IAsyncEnumerable<BackupManifest> ListAsync(BackupQuery? query = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query ??= new BackupQuery();
        var listed = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        // Before the LIST: what this process saves while the store lists is newer than the listing.
        var generation = _index.BeginListing();
        await foreach (var item in _storage.ListAsync(MetadataPrefix, cancellationToken).ConfigureAwait(false))
        {
            var name = item.Key[MetadataPrefix.Length..];
            if (name.EndsWith(".json", StringComparison.Ordinal) && BackupId.IsValid(name[..^5]))
            {
                listed[name[..^5]] = item;
            }
        }
        _index.Listing(generation, listed.Keys);
        // Ids sort by start time, so the time filter needs no manifest reads.
        var ids = listed.Keys.ToList();
        ids.Sort(StringComparer.Ordinal);
        ids.Reverse();
        var returned = 0;
        foreach (var id in ids)
        {
            var started = BackupId.TimeOf(id);
            if ((query.From is { } from && started < from.AddMilliseconds(-1)) || (query.To is { } to && started >= to))
            {
                continue;
            }
            var read = _index.Current(id, listed[id]);
            if (read is null)
            {
                read = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
                if (read is null)
                {
                    _index.Removed(id);
                    continue; // deleted while listing
                }
                _index.Listed(id, listed[id], read, generation);
            }
            if (!Listable(read))
            {
                continue;
            }
            var manifest = read.Manifest;
            if ((query.Type is { } type && manifest.Type != type)
                || (query.Database is { } database && manifest.Database != database)
                || (query.Status is { } status && manifest.Status != status)
                || (query.From is { } f && manifest.StartedAt < f))
            {
                continue;
            }
            yield return manifest;
            if (++returned == query.Limit)
            {
                yield break;
            }
        }
    }

    /// <summary>Deletes a backup: its manifest first (so it is never listed half-deleted), then its data.</summary>
    /// <exception cref="BackupNotFoundException">No backup has that id.</exception>
    public async Task<BackupManifest> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        await _storage.DeleteAsync(ManifestKey(id), cancellationToken).ConfigureAwait(false);
        _index.Removed(id);
        // Only objects named after this backup: even a manifest trusted without a tag must not make a
        // delete remove another backup's data.
        foreach (var content in manifest.StoredObjects().Where(c => BelongsTo(id, c.Key)))
        {
            await _storage.DeleteAsync(content.Key, cancellationToken).ConfigureAwait(false);
        }
        return manifest;
    }

    private static bool BelongsTo(string id, string key) =>
        DataPrefixes.Any(prefix => key.StartsWith($"{prefix}{id}.", StringComparison.Ordinal));

    /// <summary>
    /// Deletes data objects that no completed manifest claims — what a crash or a kill between
    /// upload and manifest leaves — when they, and every other object of their backup, are older
    /// than <paramref name="grace"/> (a backup still running has not written its manifest yet, and
    /// a backup in parts stores parts all along).
    /// </summary>
    /// <returns>The keys deleted.</returns>
    public async Task<IReadOnlyList<string>> DeleteOrphansAsync(TimeSpan grace, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var deleted = new List<string>();
        foreach (var prefix in DataPrefixes)
        {
            var objects = new List<StoredObject>();
            await foreach (var item in _storage.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                objects.Add(item);
            }
            static string IdOf(string name) => name.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0 ? name[..dot] : name;
            // A backup still running may have stored parts long ago while it goes on storing more: an id
            // any of whose objects is younger than the grace is left whole, not only its young objects.
            var active = objects.Where(o => o.LastModified > now - grace).Select(o => IdOf(o.Key[prefix.Length..])).ToHashSet(StringComparer.Ordinal);
            foreach (var item in objects)
            {
                var id = IdOf(item.Key[prefix.Length..]);
                if (active.Contains(id))
                {
                    continue;
                }
                // An unauthenticated manifest still protects what it claims: cleanup must not delete a
                // real backup because its manifest predates tags or was replaced by a forgery.
                // Read from the store, not the index: what is deleted must not rest on a listing's age.
                var manifest = BackupId.IsValid(id) ? (await ReadAsync(id, cancellationToken).ConfigureAwait(false))?.Manifest : null;
                if (manifest?.Status == BackupStatus.Completed && manifest.StoredObjects().Any(c => c.Key == item.Key))
                {
                    continue;
                }
                await _storage.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false);
                deleted.Add(item.Key);
            }
        }
        return deleted;
    }

    private sealed record IndexedView(IReadOnlyList<ManifestRead> Reads, IReadOnlyList<BackupManifest> Manifests);
}
