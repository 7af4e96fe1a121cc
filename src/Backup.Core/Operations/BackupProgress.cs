namespace Backup.Core.Operations;

/// <summary>Progress of a long operation.</summary>
/// <param name="Phase">What is happening: <c>dumping</c>, <c>storing manifest</c>, <c>verifying</c>, <c>restoring</c>, <c>counting rows</c>.</param>
/// <param name="Bytes">Plain bytes moved so far in this phase.</param>
public sealed record BackupProgress(string Phase, long Bytes)
{
    /// <summary>The plain bytes the whole operation moves, when known beforehand (a restore knows its backup's size); null otherwise.</summary>
    public long? Total { get; init; }

    /// <summary><see cref="Bytes"/> as a percentage of <see cref="Total"/> (0 to 100), or null when the total is not known.</summary>
    public double? Percent => Total is > 0 and var total ? Math.Round(Math.Min(100.0, Bytes * 100.0 / total), 1) : null;
}
