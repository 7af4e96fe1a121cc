using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Encryption;

internal static class EncryptionTestHelpers
{
    /// <summary>The object key containers are bound to when a test does not care which.</summary>
    public const string ObjectKey = "database/20260102T030405123Z-aaaaaaaa.dump.zst.enc";

    public static byte[] Encrypt(IEncryptor encryptor, ReadOnlySpan<byte> payload, string objectKey = ObjectKey)
    {
        var sealedBytes = new MemoryStream();
        using (var stream = encryptor.CreateEncryptionStream(sealedBytes, objectKey))
        {
            stream.Write(payload);
        }
        return sealedBytes.ToArray();
    }

    public static byte[] Decrypt(IEncryptor encryptor, byte[] container, string objectKey = ObjectKey)
    {
        using var stream = encryptor.OpenDecryptionStreamAsync(new MemoryStream(container), objectKey).GetAwaiter().GetResult();
        var plain = new MemoryStream();
        stream.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>True when decrypting fails with an integrity error, and never returns plaintext.</summary>
    public static bool FailsIntegrity(IEncryptor encryptor, byte[] container, string objectKey = ObjectKey)
    {
        try
        {
            Decrypt(encryptor, container, objectKey);
            return false;
        }
        catch (BackupIntegrityException)
        {
            return true;
        }
    }
}
