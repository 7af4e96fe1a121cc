namespace Backup.Core.Catalog;

/// <summary>
/// A manifest as read from the store, and why it is not authenticated when it is not (then a
/// catalog that requires authentication neither lists nor returns it).
/// </summary>
/// <param name="Manifest">The manifest as callers see it (details opened when a key allows).</param>
/// <param name="WhyNotAuthenticated">Why its tag does not check; null when it does.</param>
/// <param name="KeyProblem">Whether that is a key missing or differing here rather than a changed manifest.</param>
internal sealed record ManifestRead(BackupManifest Manifest, string? WhyNotAuthenticated, bool KeyProblem);
