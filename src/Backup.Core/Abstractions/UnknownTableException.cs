namespace Backup.Core.Abstractions;

/// <summary>A restore of chosen tables named tables the backup does not hold. Raised before any database is touched.</summary>
public class UnknownTableException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public UnknownTableException() { }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownTableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public UnknownTableException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for the unknown names, each with a hint (similar names the backup does hold), or "".</summary>
    public static UnknownTableException For(IReadOnlyDictionary<string, string> hints)
    {
        ArgumentNullException.ThrowIfNull(hints);
        var named = hints.Select(h => h.Value.Length == 0 ? h.Key : $"{h.Key} ({h.Value})");
        return new($"The backup has no table {string.Join(", ", named)}. Name tables as schema.table (a quoted \"schema\".\"table\" when a name holds a dot); nothing was restored.")
        {
            Tables = [.. hints.Keys],
        };
    }

    /// <summary>The names that matched no table of the backup.</summary>
    public IReadOnlyList<string> Tables { get; private init; } = [];
}
