using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Backup.Core.Notifications;

/// <summary>
/// The <c>X-Backup-Signature</c> header, as Stripe signs: <c>t=UNIX_SECONDS,v1=HEX</c>, where HEX is
/// HMAC-SHA256 with the secret over <c>UNIX_SECONDS + "." + body</c>. The time is signed so a receiver
/// can refuse old messages replayed; <c>v1</c> names the scheme so another can be added beside it.
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-Backup-Signature";

    public static string Create(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Convert.ToHexStringLower(Mac(secret, timestamp, body))}";
    }

    /// <summary>What a receiver does (tests use it): the header's MAC matches the body's, in constant time.</summary>
    public static bool Verify(string secret, string header, ReadOnlySpan<byte> body)
    {
        string? timestamp = null;
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                timestamp = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                v1 = part[3..];
            }
        }
        if (timestamp is null || v1 is null || v1.Length != 64)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp, body));
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}
