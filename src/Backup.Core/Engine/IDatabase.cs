namespace Backup.Core.Engine;

/// <summary>
/// The database the backup features work on, as they see it through the engine seam: the small
/// interfaces that extend this one say what each feature needs from the engine.
/// </summary>
internal interface IDatabase
{
    /// <summary>The engine's name as written in manifests, e.g. <c>postgresql</c>.</summary>
    string Name { get; }

    /// <summary>The database backed up.</summary>
    string Database { get; }

    /// <summary>How the engine is configured to back it up.</summary>
    DatabaseSettings Settings { get; }
}
