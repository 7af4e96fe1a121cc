using System.Formats.Tar;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Files;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core;

/// <summary>File-system backups: directories as a tar stream through the pipeline, and their safe restore.</summary>
public sealed partial class BackupService
{
    /// <summary>
    /// Backs up directories as a PAX tar stream (relative paths per directory, modes, mtimes,
    /// owners, empty directories, symbolic links as links) through the pipeline. Files that
    /// cannot be read, vanish or change while read are listed in the manifest's
    /// <see cref="FileBackupDetails.Warnings"/> (or, with <see cref="FileBackupOptions.Strict"/>, fail it).
    /// </summary>
    /// <param name="name">A name for the backup, kept in the manifest (e.g. <c>uploads</c>).</param>
    /// <param name="options">The directories and patterns.</param>
    /// <param name="progress">Receives bytes read.</param>
    /// <param name="cancellationToken">Cancels the backup; nothing is left in the store.</param>
    /// <exception cref="ArgumentException">No directory, a directory that does not exist, or an empty pattern.</exception>
    public async Task<BackupManifest> CreateFileBackupAsync(string name, FileBackupOptions options, IProgress<BackupProgress>? progress = null, CancellationToken cancellationToken = default)
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
        var started = _time.GetUtcNow();
        var id = BackupId.New(started);
        _running[id] = BackupType.Files;
        try
        {
            Log.BackupStarting(_logger, id, "files", string.Join(", ", roots.Values));
            FileTreeSummary? summary = null;
            var content = await _pipeline.WriteAsync(
                BackupCatalog.DataKey(BackupType.Files, id),
                async (stream, ct) =>
                {
                    var counted = new ProgressStream(stream, "archiving", progress);
                    summary = await new FileTreeWriter(patterns, options.FollowSymlinks, options.Strict).WriteAsync(roots, counted, ct).ConfigureAwait(false);
                    counted.ReportDone();
                },
                new PipelineWriteOptions { Compress = options.Compress, Encrypt = options.Encrypt, MaxStoredBytes = _maxStoredBytes },
                cancellationToken).ConfigureAwait(false);
            var manifest = new BackupManifest
            {
                Id = id,
                Type = BackupType.Files,
                Status = BackupStatus.Completed,
                LibraryVersion = LibraryVersion,
                StartedAt = started,
                CompletedAt = _time.GetUtcNow(),
                Content = content,
                Comment = options.Comment,
                ScheduleId = options.ScheduleId,
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
            };
            await _catalog.SaveAsync(manifest, cancellationToken).ConfigureAwait(false);
            Log.BackupCompleted(_logger, id, content.RawBytes, content.StoredBytes, manifest.Duration?.TotalSeconds ?? 0);
            return await FinishedAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await RecordFailureAsync(id, BackupType.Files, null, started, options.Comment, options.ScheduleId, ex).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Restores a file backup into a directory. Entries that would land outside it are refused
    /// with <see cref="UnsafeArchiveEntryException"/> (or skipped, with
    /// <see cref="FileRestoreOptions.SkipUnsafeEntries"/>); nothing is ever written outside it.
    /// Contents are staged in a hidden directory inside the target and moved into place only after
    /// every hash and tag has been checked, so a damaged archive (<see cref="BackupIntegrityException"/>)
    /// leaves the target as it was. Setuid and setgid bits are cleared unless
    /// <see cref="FileRestoreOptions.PreserveOwnership"/> restores the owner.
    /// </summary>
    public async Task<FileRestoreResult> RestoreFilesAsync(string id, FileRestoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TargetDirectory);
        var manifest = await GetFileBackupAsync(id, cancellationToken).ConfigureAwait(false);
        var archive = await _pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
        await using (archive.ConfigureAwait(false))
        {
            return await new FileTreeRestorer(options.TargetDirectory, options).RestoreAsync(manifest.Id, archive, cancellationToken).ConfigureAwait(false);
        }
    }

    // A full backup's IncludeFiles: the file backup's id, or the error recorded in the full's properties.
    private async Task<(string? Id, IReadOnlyDictionary<string, string> Properties)> IncludeFilesAsync(
        string fullId, FullBackupOptions options, IReadOnlyDictionary<string, string> properties, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.IncludeFiles is not { } files)
        {
            return (null, properties);
        }
        try
        {
            var manifest = await CreateFileBackupAsync($"files of full backup {fullId}", files with { Comment = files.Comment ?? options.Comment, ScheduleId = options.ScheduleId }, progress, cancellationToken).ConfigureAwait(false);
            return (manifest.Id, properties);
        }
        catch (Exception ex) when (ex is BackupException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            // The database backup is worth keeping; the missing files are said loudly, in the log and the manifest.
            Log.IncludedFilesFailed(_logger, fullId, ex.Message);
            return (null, new Dictionary<string, string>(properties, StringComparer.Ordinal) { ["filesError"] = ex.Message });
        }
    }

    // The newest completed file backup at or before a moment (the newest of all when null).
    private async Task<BackupManifest?> NewestFileBackupAsync(DateTimeOffset? atOrBefore, CancellationToken cancellationToken) =>
        (await ListBackupsAsync(new BackupQuery { Type = BackupType.Files, Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false))
            .Where(b => atOrBefore is null || b.StartedAt <= atOrBefore)
            .MaxBy(b => b.StartedAt);

    private async Task<VerifyResult> VerifyFilesAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var checks = new List<VerifyCheck>();
        try
        {
            long files = 0, directories = 0, links = 0;
            var archive = await _pipeline.OpenReadAsync(manifest.Content!, cancellationToken).ConfigureAwait(false);
            await using (archive.ConfigureAwait(false))
            {
                var reader = new TarReader(archive, leaveOpen: true);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        files += entry.EntryType == TarEntryType.RegularFile ? 1 : 0;
                        directories += entry.EntryType == TarEntryType.Directory ? 1 : 0;
                        links += entry.EntryType == TarEntryType.SymbolicLink ? 1 : 0;
                    }
                }
                await archive.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
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

    private async Task<BackupManifest> GetFileBackupAsync(string id, CancellationToken cancellationToken)
    {
        var manifest = (await _catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails();
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
