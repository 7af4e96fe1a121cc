using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Backup.Storage.S3;

/// <summary>
/// MD5 as S3 uses it: a transfer checksum (Content-MD5) and the ETag — not security. Integrity
/// against tampering is the pipeline's SHA-256 and AES-GCM tags.
/// </summary>
internal static class ContentMd5
{
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "S3's Content-MD5 and ETag are defined as MD5; used as a transfer checksum only.")]
    public static byte[] Of(ReadOnlySpan<byte> data) => MD5.HashData(data);
}
