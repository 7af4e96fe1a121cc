namespace Backup.AspNetCore;

/// <summary>
/// Who may see and use <c>app.MapBackupDashboard()</c>. The policies mean what they mean for the
/// REST API (<see cref="BackupEndpointOptions"/>): a host configures both alike.
/// </summary>
public sealed class BackupDashboardOptions
{
    /// <summary>The policy of every page and action whose own policy is unset; null: the host's default policy.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Seeing the pages: status, backups, manifests, schedules, retention's plan, drills. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? ReadPolicy { get; set; }

    /// <summary>Backup now and verify. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? BackupPolicy { get; set; }

    /// <summary>Restoring a backup into a new database. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? RestorePolicy { get; set; }

    /// <summary>Deleting a backup. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? DestructivePolicy { get; set; }

    /// <summary>Enabling, disabling and running schedules. <see cref="AuthorizationPolicy"/> when null.</summary>
    public string? SchedulesPolicy { get; set; }

    /// <summary>
    /// Serve the dashboard without authorization. Off by default: its pages show the backups and
    /// its forms restore and delete them. Turning this on must be a deliberate choice.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The title of every page (default "Backups").</summary>
    public string Title { get; set; } = "Backups";
}
