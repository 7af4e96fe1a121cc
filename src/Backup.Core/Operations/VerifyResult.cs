namespace Backup.Core.Operations;

/// <summary>The outcome of verifying one backup.</summary>
public sealed record VerifyResult
{
    /// <summary>The backup verified.</summary>
    public required string BackupId { get; init; }

    /// <summary>Whether every check passed.</summary>
    public bool IsValid => Checks.All(c => c.Passed);

    /// <summary>Whether the deep checks (a scratch restore and row counts) ran.</summary>
    public bool Deep { get; init; }

    /// <summary>Each check, in order; checking stops at the first failure.</summary>
    public IReadOnlyList<VerifyCheck> Checks { get; init; } = [];
}

/// <summary>One verification check.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was found.</param>
public sealed record VerifyCheck(string Name, bool Passed, string Detail);
