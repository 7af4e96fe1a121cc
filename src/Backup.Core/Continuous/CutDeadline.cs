namespace Backup.Core.Continuous;

/// <summary>
/// When a segment is due to be cut so that its first commit is stored within FlushInterval of the
/// commit itself — the promise of <see cref="ContinuousCaptureOptions.FlushInterval"/> — rather than
/// FlushInterval after it arrived plus the time it takes to write and store the segment.
/// </summary>
internal static class CutDeadline
{
    /// <summary>
    /// Due once the oldest commit in the segment is <paramref name="flushInterval"/> old less the
    /// time storing a segment took lately. Its age counts from its commit time on the server, when
    /// that is earlier than its arrival (decoding lags under load), but by at most one interval, so
    /// that a server clock ahead of ours cannot make every segment due at once. Whatever storing
    /// takes, a segment stays open for at least half the interval: objects per minute stay bounded.
    /// </summary>
    public static bool Due(DateTimeOffset now, DateTimeOffset firstArrived, DateTimeOffset firstCommit, TimeSpan flushInterval, TimeSpan storeTook)
    {
        var since = firstCommit < firstArrived ? Max(firstCommit, firstArrived - flushInterval) : firstArrived;
        var open = flushInterval - Min(storeTook, flushInterval / 2);
        return now - firstArrived >= flushInterval / 2 && now - since >= open;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
