using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Pipeline;
using Backup.Core.Streams;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Backups;

/// <summary>The backups in the store: listing, reading one, opening its content, deleting it, and cleaning up what unfinished ones left.</summary>
internal sealed class BackupInventory(BackupCatalog catalog, BackupPipeline pipeline, IReplicationSlots? slots, IDatabaseRestorer? database, TimeProvider time, ILogger logger)
{
    /// <summary>Backups matching <paramref name="query"/>, newest first.</summary>
    public Task<IReadOnlyList<BackupManifest>> ListAsync(BackupQuery? query, CancellationToken cancellationToken) => catalog.ListAllAsync(query, cancellationToken);

    /// <summary>The manifest of one backup.</summary>
    public Task<BackupManifest> GetAsync(string id, CancellationToken cancellationToken) => catalog.GetAsync(id, cancellationToken);

    /// <summary>
    /// Deletes a backup (manifest, then data), and the slot of a chain whose full backup it was. A
    /// backup others depend on (<see cref="BackupDependents"/>) is refused unless <paramref name="cascade"/>,
    /// which deletes them first, newest first, so a failure half-way never leaves a later backup without its base.
    /// </summary>
    /// <exception cref="BackupHasDependentsException">Others depend on it and <paramref name="cascade"/> is false.</exception>
    public async Task<BackupManifest> DeleteAsync(string id, bool cascade, CancellationToken cancellationToken)
    {
        // Read first: a malformed or unknown id is that error, not an empty dependents list.
        _ = await catalog.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var dependents = BackupDependents.Of(id, await catalog.ListAllAsync(null, cancellationToken).ConfigureAwait(false));
        if (dependents.Count > 0 && !cascade)
        {
            Log.DeleteRefusedDependents(logger, id, dependents.Count);
            throw new BackupHasDependentsException(id, [.. dependents.Select(d => d.Id)]);
        }
        foreach (var dependent in dependents)
        {
            await DeleteOneAsync(dependent.Id, cancellationToken).ConfigureAwait(false);
            Log.DependentDeleted(logger, dependent.Id, id);
        }
        return await DeleteOneAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BackupManifest> DeleteOneAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = await catalog.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        if (deleted.Type == BackupType.Full && deleted.Properties.TryGetValue(ManifestProperties.Slot, out var slot) && slots is { } engine)
        {
            // Without its full backup a chain cannot be recovered: its slot would only hold WAL back.
            await engine.DropAsync(slot, cancellationToken).ConfigureAwait(false);
        }
        Log.BackupDeleted(logger, id);
        return deleted;
    }

    /// <summary>
    /// Opens the plain content of a completed backup, every check on the way. For a full backup taken
    /// in parts, that is one archive the engine's restore tool reads whole, merged from the stored
    /// archive and parts as it is read (<see cref="IDatabaseRestorer.WriteWholeArchiveAsync"/>).
    /// </summary>
    public async Task<Stream> OpenContentAsync(string id, CancellationToken cancellationToken)
    {
        var manifest = (await catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
        if (manifest.Status != BackupStatus.Completed || manifest.Content is not { } content)
        {
            throw new BackupException($"The backup '{id}' did not complete ({manifest.Error ?? "no data"}); it has no content to read.");
        }
        if (manifest.Parts.Count == 0)
        {
            return await pipeline.OpenReadAsync(content, cancellationToken).ConfigureAwait(false);
        }
        var engine = DatabaseRequired.Require(database);
        var source = FullBackupSources.Of(manifest, pipeline);
        // The archive is merged as it is read: its failure (a damaged part) reaches the reader as the read's error.
        return ProducedStream.Start((output, ct) => engine.WriteWholeArchiveAsync(source, output, ct), cancellationToken);
    }

    /// <summary>Deletes data objects no completed manifest claims, and a local store's stale staging files, once older than <paramref name="grace"/>.</summary>
    public Task<IReadOnlyList<string>> CleanupIncompleteAsync(TimeSpan? grace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (pipeline.Storage is Storage.LocalStorageProvider local && local.RemoveStaleStagingFiles(grace ?? TimeSpan.FromHours(1), now) is > 0 and var staged)
        {
            Log.StagingFilesRemoved(logger, staged, local.RootPath);
        }
        return catalog.DeleteOrphansAsync(grace ?? TimeSpan.FromHours(1), now, cancellationToken);
    }
}
