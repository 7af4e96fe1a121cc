namespace Backup.Core.Drills;

/// <summary>The outcome of one <see cref="DrillCheck"/>.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Passed">Whether its query returned one row with one column, <c>true</c>.</param>
/// <param name="Detail">What it returned, or the error it failed with.</param>
public sealed record DrillCheckResult(string Name, bool Passed, string Detail);
