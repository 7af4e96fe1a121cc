namespace Backup.Core.Operations;

/// <summary>Progress of a long operation.</summary>
/// <param name="Phase">What is happening: <c>dumping</c>, <c>storing manifest</c>, <c>verifying</c>, <c>restoring</c>, <c>counting rows</c>.</param>
/// <param name="Bytes">Plain bytes moved so far in this phase.</param>
public sealed record BackupProgress(string Phase, long Bytes);
