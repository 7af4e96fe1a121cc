using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Operations;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Core.Tests.Catalog;

/// <summary>
/// Issue #18 item 7, through the API a host uses: with encryption on, what a manifest says about
/// the inside of a backup is not readable in the bucket without the key, while listing still is.
/// </summary>
public sealed class ManifestDetailsInStoreTests : IDisposable
{
    private const string SecretFolder = "payroll_2026_q1";
    private const string SecretComment = "quarterly salary export";
    private const string SecretPattern = "*.salarysheet";

    private readonly TempDirectory _source = new();
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _target = new();
    private readonly string _key = Services.NewKey();

    public void Dispose()
    {
        _source.Dispose();
        _store.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task FileBackup_EncryptionOn_RawManifestHoldsNoRootPatternOrComment()
    {
        using var provider = Build(_key);
        var backup = await BackUpAsync(provider.Service(), encryptData: null);

        var json = RawManifest(backup.Id);

        Assert.DoesNotContain(SecretFolder, json, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretComment, json, StringComparison.Ordinal);
        Assert.DoesNotContain("salarysheet", json, StringComparison.Ordinal);
        Assert.Contains(backup.Id, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileBackup_EncryptionOn_WithTheKeyEverythingReadsAndRestores()
    {
        using var provider = Build(_key);
        var service = provider.Service();
        var backup = await BackUpAsync(service, encryptData: null);

        var read = await service.GetBackupAsync(backup.Id);
        var listed = Assert.Single(await service.ListBackupsAsync());
        var restored = await service.RestoreFilesAsync(backup.Id, new FileRestoreOptions { TargetDirectory = _target.Path });

        Assert.Equal(SecretComment, read.Comment);
        Assert.Equal(SecretComment, listed.Comment);
        Assert.Equal(backup.Files!.Roots, read.Files!.Roots);
        Assert.Equal([SecretPattern], read.Files.IncludePatterns);
        Assert.Equal(1, restored.Files);
        Assert.Equal(["payroll_2026_q1/a.salarysheet"], _target.AllFiles());
    }

    [Fact]
    public async Task List_WithoutTheKey_ReturnsEnvelopesWithoutDetails()
    {
        string id;
        using (var writer = Build(_key))
        {
            id = (await BackUpAsync(writer.Service(), encryptData: null)).Id;
        }
        using var reader = Build(key: null);

        var listed = Assert.Single(await reader.Service().ListBackupsAsync());

        Assert.Equal(id, listed.Id);
        Assert.Equal(BackupType.Files, listed.Type);
        Assert.Equal(Backup.Core.Catalog.BackupStatus.Completed, listed.Status);
        Assert.NotNull(listed.CompletedAt);
        Assert.True(listed.Content!.StoredBytes > 0);
        Assert.NotNull(listed.Content.EncryptionKeyId);
        Assert.Null(listed.Comment);
        Assert.Null(listed.Files);
    }

    [Fact]
    public async Task RestoreFiles_WithoutTheKey_DataInTheClear_FailsWithEncryptionKeyException()
    {
        // The data object is not encrypted, so only the manifest's sealed details stop this restore:
        // without them it would run blind (no roots, no counts to check).
        string id;
        using (var writer = Build(_key, requireEncryption: false))
        {
            id = (await BackUpAsync(writer.Service(), encryptData: false)).Id;
        }
        using var reader = Build(key: null);

        var error = await Assert.ThrowsAnyAsync<EncryptionKeyException>(() =>
            reader.Service().RestoreFilesAsync(id, new FileRestoreOptions { TargetDirectory = _target.Path }));

        Assert.Contains(id, error.Message, StringComparison.Ordinal);
        Assert.Empty(_target.AllFiles());
    }

    [Fact]
    public async Task Verify_WithoutTheKey_DataInTheClear_FailsWithEncryptionKeyException()
    {
        string id;
        using (var writer = Build(_key, requireEncryption: false))
        {
            id = (await BackUpAsync(writer.Service(), encryptData: false)).Id;
        }
        using var reader = Build(key: null);

        await Assert.ThrowsAnyAsync<EncryptionKeyException>(() => reader.Service().VerifyBackupAsync(id));
    }

    [Fact]
    public async Task FileBackup_NoKey_ManifestStaysPlainAndComplete()
    {
        using var provider = Build(key: null);
        var backup = await BackUpAsync(provider.Service(), encryptData: null);

        var json = RawManifest(backup.Id);

        Assert.Contains(SecretComment, json, StringComparison.Ordinal);
        Assert.Contains(SecretFolder, json, StringComparison.Ordinal);
    }

    private async Task<Backup.Core.Catalog.BackupManifest> BackUpAsync(BackupService service, bool? encryptData)
    {
        var folder = Path.Combine(_source.Path, SecretFolder);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.salarysheet"), "alice 100");
        await File.WriteAllTextAsync(Path.Combine(folder, "b.txt"), "not included");
        return await service.CreateFileBackupAsync(
            "payroll",
            new FileBackupOptions { Directories = [folder], IncludePatterns = [SecretPattern], Comment = SecretComment, Encrypt = encryptData });
    }

    private ServiceProvider Build(string? key, bool? requireEncryption = null) =>
        FileOnlyHost.Build(_store.Path, key, o => o.RequireEncryption = requireEncryption);

    private string RawManifest(string id) => File.ReadAllText(Path.Combine(_store.Path, "metadata", id + ".json"));
}
