using System.CommandLine.Parsing;
using System.Globalization;

namespace Backup.Cli.Commands;

/// <summary>A moment given on the command line (<c>--to</c>, <c>--at</c>): ISO 8601, UTC when it has no offset.</summary>
internal static class TimeArgument
{
    /// <summary>The time, or null with a parse error that shows how to write one.</summary>
    public static DateTimeOffset? Parse(ArgumentResult result, string flag)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }
        result.AddError($"{flag} '{text}' is not a time: write ISO 8601, e.g. 2026-11-30T09:41:00Z.");
        return null;
    }
}
