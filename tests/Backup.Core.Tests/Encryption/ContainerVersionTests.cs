using Backup.Core.Abstractions;
using Backup.Core.Encryption;
using static Backup.Core.Tests.Encryption.EncryptionTestHelpers;

namespace Backup.Core.Tests.Encryption;

/// <summary>Format 2 binds the object key; format 1 containers, written before it, must stay readable.</summary>
public class ContainerVersionTests
{
    // Written by format version 1 (Backup.Core before #20) with the raw key 00 01 .. 1f under id "legacy".
    private const string Version1Container =
        "QktVUENFTkMBAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAZsZWdhY3kAABAA/JyQ9jxoptS/SU8f00txpaTQIkTHQj2I6Lse6y0Md8eHgVwEwMXRlHE7yBbc70kFba92nLIsdgadSJhDf9WddrBgcN7yGezz3HLVODp48XGsSdWk6Sn4ehdy/GEnDObVtZ+eHeoopKDWXLclPY7yzFPtPBNXgKjwLxZ7";

    private static readonly AesGcmEncryptor Legacy = new(MasterKeyRing.FromRawKey("legacy", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));

    [Theory]
    [InlineData("")]
    [InlineData(ObjectKey)]
    [InlineData("database/20260103T030405123Z-bbbbbbbb.dump.zst.enc")]
    public void Decrypt_Version1Container_OpensUnderAnyObjectKey(string objectKey)
    {
        Assert.Equal("written by format version 1"u8.ToArray(), Decrypt(Legacy, Convert.FromBase64String(Version1Container), objectKey));
    }

    [Fact]
    public void Encrypt_WritesVersion2()
    {
        Assert.Equal(ContainerHeader.FormatVersion, Encrypt(Legacy, "x"u8)[8]);
    }

    [Fact]
    public void Decrypt_Version2UnderAnotherBackupsKey_FailsWithIntegrityErrorSayingItWasMoved()
    {
        var container = Encrypt(Legacy, "backup A"u8, "database/20260102T030405123Z-aaaaaaaa.dump.enc");

        var error = Assert.Throws<BackupIntegrityException>(() => Decrypt(Legacy, container, "database/20260103T030405123Z-bbbbbbbb.dump.enc"));

        Assert.Contains("moved under this key", error.Message, StringComparison.Ordinal);
    }
}
