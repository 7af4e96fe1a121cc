using Backup.Core.Abstractions;

namespace Backup.Core.Engine;

/// <summary>The error of a database operation on a host that configured no database (file backups only).</summary>
internal static class DatabaseRequired
{
    /// <summary><paramref name="engine"/>, or the configuration error that names DATABASE_URL.</summary>
    public static T Require<T>(T? engine) where T : class, IDatabase =>
        engine ?? throw new BackupConfigurationException("DATABASE_URL", "No database is configured: set DATABASE_URL (or Backup:DatabaseUrl), or call UsePostgres(...) in AddBackupSystem.");
}
