using Backup.Core.Abstractions;

namespace Backup.AspNetCore;

/// <summary>
/// A schedule's last error as the API and the dashboard show it: not at all. A failed run records
/// the raw error (the database's name, the host and port, a path), which is for the server log.
/// </summary>
internal static class ScheduleRunText
{
    public const string FailureHidden = "(the error is in the server log)";

    /// <summary>The backup id of a run that succeeded; the fixed text for one that failed.</summary>
    public static string? Result(ScheduleRunState state) => state.LastSucceeded switch
    {
        true => state.LastResult,
        false => FailureHidden,
        null => null,
    };

    // "overdue: …" holds only a time; "failed N times in a row; last: <message>" quotes the raw error.
    public static string? Problem(ScheduleStatus? status) =>
        status?.Problem is not { } problem ? null
        : status.State.LastResult is { Length: > 0 } last && problem.Contains(last, StringComparison.Ordinal)
            ? $"failed {status.State.ConsecutiveFailures} times in a row {FailureHidden}"
            : problem;
}
