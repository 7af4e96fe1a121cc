namespace Backup.AspNetCore;

/// <summary>
/// How <c>MapBackupEndpoints</c> exposes the API: which policy each capability requires, and the
/// server settings a request may not override (file roots, dropping a database, plaintext backups).
/// </summary>
public sealed class BackupEndpointOptions
{
    /// <summary>The route prefix (default <c>/api/v1/backup</c>).</summary>
    public string RoutePrefix { get; set; } = "/api/v1/backup";

    /// <summary>The authorization policy of every capability whose own policy is unset; the host's default policy when null.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Reading: status, the list, a backup's details, analytics, operations, schedules, a cleanup dry run. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? ReadPolicy { get; set; }

    /// <summary>Taking backups: full, incremental, files. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? BackupPolicy { get; set; }

    /// <summary>
    /// Restoring (a backup, a point in time) and downloading a backup's content, which reveals
    /// the data as a restore does. <see cref="AuthorizationPolicy"/> when null.
    /// </summary>
    public string? RestorePolicy { get; set; }

    /// <summary>
    /// Destroying: deleting a backup, a cleanup that deletes (<c>dryRun=false</c>), a restore with
    /// <c>dropExisting</c> (required on top of <see cref="RestorePolicy"/>). <see cref="AuthorizationPolicy"/> when null.
    /// </summary>
    public string? DestructivePolicy { get; set; }

    /// <summary>Changing schedules: create, update, delete, enable, disable, run. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? SchedulesPolicy { get; set; }

    /// <summary>
    /// Serve the API without authorization. Off by default: these routes restore and delete
    /// databases and download their contents. Turning this on must be a deliberate choice.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// The directories file backups may read and file restores may write (a listed directory and
    /// everything below it, after <c>..</c> and symbolic links are resolved). Empty by default:
    /// the API then refuses every file backup and file restore, because the host process (often
    /// root) could otherwise read or overwrite any file of the machine.
    /// </summary>
    public IList<string> AllowedFileRoots { get; } = [];

    /// <summary>Accept <c>dropExisting: true</c> in restores (default false: a request cannot replace an existing database).</summary>
    public bool AllowDropExisting { get; set; }

    /// <summary>Accept <c>encrypt: false</c> while an encryption key is configured (default false: a request cannot ask for a plaintext backup).</summary>
    public bool AllowUnencrypted { get; set; }

    /// <summary>Accept a restore whose target is the backup's own source database (default false). Needs <see cref="AllowDropExisting"/> too.</summary>
    public bool AllowReplaceSource { get; set; }

    /// <summary>Accept <c>followSymlinks: true</c> in file backups (default false: a link inside an allowed root could point anywhere).</summary>
    public bool AllowFollowSymlinks { get; set; }

    /// <summary>The largest request body read, in bytes (default 64 KiB); a larger one is refused with 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
