using System.Globalization;

namespace Backup.Core.Diagnostics;

/// <summary>Sizes and rates as an operator reads them in a log line: <c>1.2 GiB</c>, <c>48.0 MiB/s</c> (binary units, invariant culture).</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(long bytes)
    {
        double value = Math.Abs((double)bytes);
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var sign = bytes < 0 ? "-" : "";
        return unit == 0 ? $"{sign}{value:0} B" : string.Create(CultureInfo.InvariantCulture, $"{sign}{value:0.0} {Units[unit]}");
    }

    /// <summary>Bytes per second over <paramref name="elapsed"/>; "-" when no time has passed (nothing to divide by).</summary>
    public static string Rate(long bytes, TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? "-" : Format((long)(bytes / elapsed.TotalSeconds)) + "/s";
}
