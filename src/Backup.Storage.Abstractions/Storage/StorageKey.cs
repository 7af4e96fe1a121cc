namespace Backup.Core.Storage;

/// <summary>
/// The rule every storage key obeys, whatever the store: a relative path of '/'-separated
/// segments. Checked on every entry so that no key can reach outside a store's root.
/// </summary>
public static class StorageKey
{
    /// <summary>The longest key accepted (S3's and Azure's limit is 1,024 bytes).</summary>
    public const int MaxLength = 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the key and the rule it breaks.</summary>
    /// <param name="key">The key to check.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    public static void Validate(string key, string paramName = "key")
    {
        var problem = FindProblem(key, allowEmpty: false);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid storage key '{Printable(key)}': {problem}.", paramName);
        }
    }

    /// <summary>Like <see cref="Validate"/> for a listing prefix, which may be empty or end with '/'.</summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        var trimmed = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        var problem = FindProblem(trimmed, allowEmpty: true);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid storage prefix '{Printable(prefix)}': {problem}.", paramName);
        }
    }

    /// <summary>Whether <paramref name="key"/> is valid.</summary>
    public static bool IsValid(string? key) => key is not null && FindProblem(key, allowEmpty: false) is null;

    private static string? FindProblem(string? key, bool allowEmpty)
    {
        if (key is null)
        {
            return "it is null";
        }
        if (key.Length == 0)
        {
            return allowEmpty ? null : "it is empty";
        }
        if (key.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }
        if (key.StartsWith('/'))
        {
            return "it is an absolute path (starts with '/')";
        }
        if (key.Contains('\\'))
        {
            return "it contains a backslash; use '/' between segments";
        }
        if (key.Length >= 2 && key[1] == ':' && char.IsAsciiLetter(key[0]))
        {
            return "it starts with a drive letter";
        }
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsControl(c))
            {
                return $"it contains the control character U+{(int)c:X4}";
            }
            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "it contains an unpaired UTF-16 surrogate";
            }
        }
        foreach (var segment in key.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return "it has an empty segment ('//' or a trailing '/')";
                case "." or "..":
                    return $"it has a '{segment}' segment";
            }
        }
        return null;
    }

    // Keys in messages are shown with control characters escaped, so a hostile key cannot forge log lines.
    private static string Printable(string? key) =>
        key is null ? "(null)" : string.Concat(key.Take(200).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
