namespace Backup.Core.OperationRecords;

/// <summary>Why an operation failed, as the problem details the API showed for it.</summary>
/// <param name="Status">The HTTP status of the problem.</param>
/// <param name="Title">Its title.</param>
/// <param name="Detail">Its detail (never a server-side message the API hides).</param>
public sealed record OperationError(int Status, string? Title, string? Detail);
