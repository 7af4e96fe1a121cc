using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Encryption;

internal static class EncryptionTestHelpers
{
    public static byte[] Encrypt(IEncryptor encryptor, ReadOnlySpan<byte> payload)
    {
        var sealedBytes = new MemoryStream();
        using (var stream = encryptor.CreateEncryptionStream(sealedBytes))
        {
            stream.Write(payload);
        }
        return sealedBytes.ToArray();
    }

    public static byte[] Decrypt(IEncryptor encryptor, byte[] container)
    {
        using var stream = encryptor.OpenDecryptionStreamAsync(new MemoryStream(container)).GetAwaiter().GetResult();
        var plain = new MemoryStream();
        stream.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>True when decrypting fails with an integrity error, and never returns plaintext.</summary>
    public static bool FailsIntegrity(IEncryptor encryptor, byte[] container)
    {
        try
        {
            Decrypt(encryptor, container);
            return false;
        }
        catch (BackupIntegrityException)
        {
            return true;
        }
    }
}
