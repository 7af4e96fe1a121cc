using System.Text;

namespace Backup.Core.Postgres;

/// <summary>
/// Database names that come from callers (restore targets) and how they reach libpq tools.
/// libpq reads a <c>dbname</c> that contains <c>=</c> or starts with a URI scheme as a whole
/// connection string whose host, port and user override ours: a restore target of
/// <c>host=evil port=5432 dbname=x</c> would send the password elsewhere. So such names are
/// refused, and tools get one connection string in which the name is a quoted value.
/// </summary>
internal static class DatabaseName
{
    /// <summary>PostgreSQL's NAMEDATALEN - 1: the longest name, in bytes of the server encoding (UTF-8 here).</summary>
    public const int MaxBytes = 63;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="setting"/> when <paramref name="name"/> cannot be a restore target.</summary>
    public static void Validate(string name, string setting)
    {
        ArgumentNullException.ThrowIfNull(name);
        var problem = name.Length == 0 ? "it is empty"
            : Encoding.UTF8.GetByteCount(name) > MaxBytes ? $"it is {Encoding.UTF8.GetByteCount(name)} bytes long in UTF-8; PostgreSQL allows {MaxBytes}"
            : name.Any(char.IsControl) ? "it contains control characters"
            : name.Contains('=', StringComparison.Ordinal) ? "it contains '=', which PostgreSQL's client tools would read as connection settings"
            : name.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) || name.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase) ? "it is a connection URI, not a database name"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"{setting}: '{Printable(name)}' cannot be a database name: {problem}. Give a plain name; the server, port and user are always the configured ones.", setting);
        }
    }

    /// <summary>A value quoted for a libpq connection string: in single quotes, with <c>\</c> and <c>'</c> escaped.</summary>
    public static string QuoteConnectionValue(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string Printable(string name) =>
        new(name.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
