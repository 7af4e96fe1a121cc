using Backup.Core.Catalog;

namespace Backup.Core.Operations;

/// <summary>What <see cref="BackupService.BackupBeforeMigrationAsync"/> recorded: the point recovery "before the migration" reaches.</summary>
public sealed record PreMigrationBackup
{
    /// <summary>The migration's id.</summary>
    public required string MigrationId { get; init; }

    /// <summary>How the point was recorded.</summary>
    public required PreMigrationBackupKind Kind { get; init; }

    /// <summary>The moment <see cref="BackupService.RecoverBeforeMigrationAsync"/> recovers to.</summary>
    public required DateTimeOffset RecoverTo { get; init; }

    /// <summary>The backup taken, or, for <see cref="PreMigrationBackupKind.CaptureMark"/>, the full backup of the chain continuous capture records.</summary>
    public required BackupManifest Backup { get; init; }
}

/// <summary>How a pre-migration point was recorded.</summary>
public enum PreMigrationBackupKind
{
    /// <summary>An incremental backup continued the database's change-capture chain.</summary>
    Incremental,

    /// <summary>A full backup was taken: there was no change-capture chain to continue.</summary>
    Full,

    /// <summary>Continuous capture records the chain: the moment was marked on it and the hook waited until capture had stored it.</summary>
    CaptureMark,
}
