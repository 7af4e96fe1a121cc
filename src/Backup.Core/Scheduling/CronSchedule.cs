using Backup.Core.Abstractions;
using Cronos;

namespace Backup.Core.Scheduling;

/// <summary>
/// A schedule's cron expression read in its time zone, by Cronos: five fields, or six with seconds
/// first; time zones by IANA (or Windows) id, with daylight-saving changes handled the way cron
/// users expect (a time skipped by the spring change runs once at the change; a time repeated in
/// autumn runs once). Cronos rather than NCrontab because NCrontab has no time zones.
/// </summary>
internal sealed class CronSchedule
{
    private readonly CronExpression _expression;
    private readonly TimeZoneInfo _zone;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        _zone = zone;
    }

    /// <summary>Parses a schedule's timing; the error names the field that is wrong.</summary>
    /// <exception cref="BackupConfigurationException">The cron expression or time zone is invalid.</exception>
    public static CronSchedule Parse(string? expression, string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new BackupConfigurationException("cronExpression", "cronExpression is required, e.g. \"0 2 * * *\" (every day at 02:00).");
        }
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        CronExpression parsed;
        try
        {
            parsed = CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new BackupConfigurationException("cronExpression", $"cronExpression '{expression}' is not a valid cron expression ({ex.Message}). Use five fields (minute hour day month weekday) or six with seconds first.");
        }
        TimeZoneInfo zone;
        try
        {
            zone = timeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            throw new BackupConfigurationException("timeZone", $"timeZone '{timeZone}' is not a known time zone id (e.g. \"Europe/Berlin\", \"UTC\").");
        }
        return new CronSchedule(parsed, zone);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, _zone);

    /// <summary>The latest occurrence in (<paramref name="after"/>, <paramref name="upTo"/>], or null.</summary>
    public DateTimeOffset? LatestBetween(DateTimeOffset after, DateTimeOffset upTo) =>
        after >= upTo ? null : _expression.GetOccurrences(after, upTo, _zone, fromInclusive: false, toInclusive: true).Select(o => (DateTimeOffset?)o).LastOrDefault();
}
