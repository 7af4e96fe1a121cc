using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Backup.Core.Abstractions;

namespace Backup.Core.Catalog;

/// <summary>
/// Backup ids: <c>yyyyMMddTHHmmssfffZ-xxxxxxxx</c> — UTC start time to the millisecond plus 32
/// random bits. They sort by time as plain strings, and an id that does not match the pattern
/// exactly is refused wherever one comes in, so no id can name a path.
/// </summary>
internal static partial class BackupId
{
    /// <summary>Makes a new id for a backup starting at <paramref name="now"/>.</summary>
    public static string New(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>Whether <paramref name="id"/> is a well-formed backup id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>Throws <see cref="InvalidBackupIdException"/> unless <paramref name="id"/> is well formed.</summary>
    public static string Validate(string? id) =>
        IsValid(id) ? id! : throw new InvalidBackupIdException(id);

    /// <summary>The start time encoded in a valid id.</summary>
    public static DateTimeOffset TimeOf(string id) =>
        DateTimeOffset.ParseExact(Validate(id)[..19], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"\A\d{8}T\d{9}Z-[0-9a-f]{8}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
