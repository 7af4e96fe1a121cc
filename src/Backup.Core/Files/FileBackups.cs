using System.Formats.Tar;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Runs;

namespace Backup.Core.Files;

/// <summary>File-system backups: directories as a tar stream through the pipeline, their safe restore and their verification.</summary>
internal sealed class FileBackups(BackupRecorder recorder, BackupPipeline pipeline, BackupCatalog catalog)
{
    /// <summary>Backs up <paramref name="options"/>' directories under <paramref name="name"/>.</summary>
    public async Task<BackupManifest> CreateAsync(string name, FileBackupOptions options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Directories.Count == 0)
        {
            throw new ArgumentException("Directories: name at least one directory to back up.", nameof(options));
        }
        if (options.Directories.FirstOrDefault(d => !Directory.Exists(d)) is { } missing)
        {
            throw new ArgumentException($"Directories: '{missing}' does not exist or is not a directory.", nameof(options));
        }
        var patterns = new FilePatterns(options.IncludePatterns, options.ExcludePatterns);
        var roots = FileTreeWriter.RootNames(options.Directories);
        var run = new BackupRun(BackupType.Files, Database: null, string.Join(", ", roots.Values), options.Comment, options.ScheduleId);
        return await recorder.RunAsync(run, prepare: null, async (context, ct) =>
        {
            FileTreeSummary? summary = null;
            var content = await context.WriteContentAsync("archiving", context.Progress, options.Compress, options.Encrypt, async (stream, ct) =>
                summary = await new FileTreeWriter(patterns, options.FollowSymlinks, options.Strict).WriteAsync(roots, stream, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return new ProducedBackup(context.Completed with
            {
                Content = content,
                Files = new FileBackupDetails
                {
                    Name = name,
                    Roots = roots,
                    IncludePatterns = options.IncludePatterns,
                    ExcludePatterns = options.ExcludePatterns,
                    FileCount = summary!.Files,
                    DirectoryCount = summary.Directories,
                    SymlinkCount = summary.Symlinks,
                    FileBytes = summary.Bytes,
                    Warnings = summary.Warnings,
                },
            });
        }, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Restores the file backup <paramref name="id"/> into <see cref="FileRestoreOptions.TargetDirectory"/>.</summary>
    public async Task<FileRestoreResult> RestoreAsync(string id, FileRestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TargetDirectory);
        var manifest = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        var archive = await pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
        // Not ReadAsync: the restorer must have read the archive to its end (every hash checked)
        // before it moves anything into place, not after it returns.
        await using (archive.ConfigureAwait(false))
        {
            return await new FileTreeRestorer(options.TargetDirectory, options).RestoreAsync(manifest.Id, archive, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The newest completed file backup at or before a moment (the newest of all when null).</summary>
    public async Task<BackupManifest?> NewestAsync(DateTimeOffset? atOrBefore, CancellationToken cancellationToken) =>
        (await catalog.ListAllAsync(new BackupQuery { Type = BackupType.Files, Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false))
            .Where(b => atOrBefore is null || b.StartedAt <= atOrBefore)
            .MaxBy(b => b.StartedAt);

    /// <summary>Reads a completed file backup through: every hash and tag, and the archive's entries against the manifest's counts.</summary>
    public async Task<VerifyResult> VerifyAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var checks = new List<VerifyCheck>();
        try
        {
            long files = 0, directories = 0, links = 0;
            await pipeline.ReadAsync(manifest.Content!, async (archive, ct) =>
            {
                var reader = new TarReader(archive, leaveOpen: true);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
                    {
                        files += entry.EntryType == TarEntryType.RegularFile ? 1 : 0;
                        directories += entry.EntryType == TarEntryType.Directory ? 1 : 0;
                        links += entry.EntryType == TarEntryType.SymbolicLink ? 1 : 0;
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
            checks.Add(new VerifyCheck("content", true, $"{manifest.Content!.StoredBytes:N0} bytes stored, every hash and tag checked"));
            var expected = manifest.Files!;
            var matches = (files, directories, links) == (expected.FileCount, expected.DirectoryCount, expected.SymlinkCount);
            checks.Add(new VerifyCheck("archive", matches, $"{files} files, {directories} directories, {links} links" + (matches ? "" : $"; the manifest says {expected.FileCount}, {expected.DirectoryCount}, {expected.SymlinkCount}")));
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException or InvalidDataException)
        {
            checks.Add(new VerifyCheck("content", false, ex.Message));
        }
        return new VerifyResult { BackupId = manifest.Id, Checks = checks };
    }

    private async Task<BackupManifest> GetAsync(string id, CancellationToken cancellationToken)
    {
        var manifest = (await catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
        if (manifest.Type != BackupType.Files)
        {
            throw new BackupException($"The backup '{id}' is a {manifest.Type.ToString().ToLowerInvariant()} backup, not a file backup.");
        }
        if (manifest.Status != BackupStatus.Completed || manifest.Content is null || manifest.Files is null)
        {
            throw new BackupException($"The backup '{id}' did not complete ({manifest.Error ?? "no data"}); there is nothing to restore or verify.");
        }
        return manifest;
    }
}
