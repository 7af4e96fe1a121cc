namespace Backup.AspNetCore;

/// <summary>How <c>MapBackupEndpoints</c> exposes the API.</summary>
public sealed class BackupEndpointOptions
{
    /// <summary>The route prefix (default <c>/api/v1/backup</c>).</summary>
    public string RoutePrefix { get; set; } = "/api/v1/backup";

    /// <summary>The authorization policy every route requires; the host's default policy when null.</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// Serve the API without authorization. Off by default: these routes restore and delete
    /// databases and download their contents. Turning this on must be a deliberate choice.
    /// </summary>
    public bool AllowAnonymous { get; set; }
}
