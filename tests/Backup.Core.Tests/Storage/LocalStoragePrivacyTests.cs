using Backup.Core.Compression;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Storage;

/// <summary>Backups are private to the host's account, and staging files a crash left are cleaned up.</summary>
public sealed class LocalStoragePrivacyTests : IDisposable
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = PrivateFile | UnixFileMode.UserExecute;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Put_NewFoldersAndObject_AreOwnerOnly()
    {
        var root = Path.Combine(_temp.Path, "store");
        var store = new LocalStorageProvider(new LocalStorageOptions { RootPath = root });

        await store.PutAsync("database/20240101T000000000Z-00000001.dump", new MemoryStream([1, 2, 3]));

        Assert.Equal(PrivateFile, File.GetUnixFileMode(Path.Combine(root, "database", "20240101T000000000Z-00000001.dump")));
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(Path.Combine(root, "database")));
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(Path.Combine(root, ".staging")));
        Assert.Equal(PrivateFolder, File.GetUnixFileMode(root));
    }

    [Fact]
    public async Task CleanupIncompleteBackups_StagingFilesOlderThanTheGrace_AreRemoved_RecentOnesKept()
    {
        var root = Path.Combine(_temp.Path, "store");
        var store = new LocalStorageProvider(new LocalStorageOptions { RootPath = root });
        await store.PutAsync("metadata/store-id", new MemoryStream("0badcafe"u8.ToArray()));
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var stale = Path.Combine(root, ".staging", "0123456789abcdef0123456789abcdef");
        var recent = Path.Combine(root, ".staging", "fedcba9876543210fedcba9876543210");
        await File.WriteAllBytesAsync(stale, [1]);
        await File.WriteAllBytesAsync(recent, [2]);
        File.SetLastWriteTimeUtc(stale, time.GetUtcNow().UtcDateTime.AddHours(-2));
        var service = new BackupService(new BackupPipeline(store, new NoCompressor()), null, null, time, NullLogger<BackupService>.Instance);

        await service.CleanupIncompleteBackupsAsync(TimeSpan.FromHours(1));

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
    }
}
