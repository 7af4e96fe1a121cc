using Backup.Core.Abstractions;
using Backup.Core.Encryption;
using Backup.Core.Tests.Support;
using static Backup.Core.Tests.Encryption.EncryptionTestHelpers;

namespace Backup.Core.Tests.Encryption;

public class EncryptionKeyTests
{
    [Fact]
    public void Decrypt_SameIdDifferentKeyMaterial_FailsWithKeyErrorNamingTheKey()
    {
        var container = Encrypt(Keys.Encryptor(Keys.Random("prod-2026")), "secret rows"u8);

        var error = Assert.Throws<EncryptionKeyException>(() => Decrypt(Keys.Encryptor(Keys.Random("prod-2026")), container));

        Assert.Equal("prod-2026", error.KeyId);
        Assert.Contains("prod-2026", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_KeyIdNotConfigured_FailsWithKeyErrorNamingTheNeededKey()
    {
        var container = Encrypt(Keys.Encryptor(Keys.Random("old-key")), "secret rows"u8);

        var error = Assert.Throws<EncryptionKeyException>(() => Decrypt(Keys.Encryptor(Keys.Random("new-key")), container));

        Assert.Equal("old-key", error.KeyId);
        Assert.Contains("'old-key'", error.Message, StringComparison.Ordinal);
        Assert.Contains("new-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_AfterRotation_OldBackupsOpenWithTheOldKeyKeptForReading()
    {
        var oldKey = Keys.Random("2025");
        var newKey = Keys.Random("2026");
        var oldContainer = Encrypt(Keys.Encryptor(oldKey), "written last year"u8);

        var rotated = Keys.Encryptor(newKey, older: oldKey);
        var newContainer = Encrypt(rotated, "written today"u8);

        Assert.Equal("written last year"u8.ToArray(), Decrypt(rotated, oldContainer));
        Assert.Equal("written today"u8.ToArray(), Decrypt(rotated, newContainer));
        Assert.Equal("2026", rotated.ActiveKeyId);
        Assert.Throws<EncryptionKeyException>(() => Decrypt(Keys.Encryptor(oldKey), newContainer));
    }

    [Fact]
    public void Passphrase_RoundTripsAndAWrongPassphraseIsAKeyError()
    {
        var encryptor = new AesGcmEncryptor(new MasterKeyRing(MasterKey.Parse("correct horse battery staple")));
        var container = Encrypt(encryptor, "rows"u8);

        Assert.Equal("rows"u8.ToArray(), Decrypt(new AesGcmEncryptor(new MasterKeyRing(MasterKey.Parse("correct horse battery staple"))), container));
        var error = Assert.Throws<EncryptionKeyException>(() => Decrypt(new AesGcmEncryptor(new MasterKeyRing(MasterKey.Parse("incorrect horse battery staple"))), container));
        Assert.Equal("passphrase", error.KeyId);
    }

    [Fact]
    public void Parse_Base64Of32Bytes_IsARawKeyWithAStableFingerprintId()
    {
        var base64 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        var first = MasterKey.Parse(base64);
        var second = MasterKey.Parse(base64);

        Assert.False(first.IsPassphrase);
        Assert.StartsWith("key-", first.Id, StringComparison.Ordinal);
        Assert.Equal(first.Id, second.Id);
        Assert.DoesNotContain(base64, first.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")] // base64 of 16 bytes: neither a 32-byte key nor a long passphrase
    public void Parse_NeitherKeyNorPassphrase_FailsWithoutShowingTheValue(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => MasterKey.Parse(value));
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PassphrasePrefix_MakesAnyTextAPassphrase()
    {
        var key = MasterKey.Parse("passphrase:" + Convert.ToBase64String(new byte[32]));
        Assert.True(key.IsPassphrase);
    }

    [Fact]
    public void KeyRing_TwoKeysWithOneId_IsAConfigurationError()
    {
        Assert.Throws<BackupConfigurationException>(() => new MasterKeyRing(Keys.Random("same"), [Keys.Random("same")]));
    }
}
