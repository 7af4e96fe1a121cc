using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Backup.EntityFrameworkCore.Tests;

/// <summary>MigrateWithBackupAsync on the real server: the backup comes first, named by the first pending migration, and recovery before it undoes the migration.</summary>
public sealed class MigrateWithBackupTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_efmig_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await using var db = new NotesContext(TestServer.ConnectionString(_database));
        await db.GetService<IMigrator>().MigrateAsync("20261203000001_CreateNotes");
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (1, 'before')");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task PendingMigration_IsBackedUpFirst_AndRecoveryBeforeItHasTheOldSchemaRowsAndHistory()
    {
        using var provider = Build(Services.NewKey());
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "INSERT INTO notes VALUES (2, 'in the chain')");
        await using var db = new NotesContext(TestServer.ConnectionString(_database));

        var taken = await db.Database.MigrateWithBackupAsync(service);
        var again = await db.Database.MigrateWithBackupAsync(service);

        Assert.Equal(("20261203000002_AddTags", PreMigrationBackupKind.Incremental), (taken!.MigrationId, taken.Kind));
        Assert.Null(again);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(2, (await service.ListBackupsAsync()).Count);
        var recovered = await service.RecoverBeforeMigrationAsync("20261203000002_AddTags");
        _recovered.Add(recovered.TargetDatabase);
        Assert.Equal("1 before, 2 in the chain", await TestServer.ScalarAsync<string>(recovered.TargetDatabase, "SELECT string_agg(id || ' ' || body, ', ' ORDER BY id) FROM notes"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(recovered.TargetDatabase, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'notes' AND column_name = 'tags'"));
        await using var restored = new NotesContext(TestServer.ConnectionString(recovered.TargetDatabase));
        Assert.Equal(["20261203000002_AddTags"], await restored.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task BackupThatFails_LeavesTheMigrationUnapplied()
    {
        // Change capture cannot start a chain on a table without a key: the full backup is refused, so nothing may be migrated.
        await TestServer.ExecuteAsync(_database, "CREATE TABLE audit_log (line text)");
        using var provider = Build(key: null);
        await using var db = new NotesContext(TestServer.ConnectionString(_database));

        await Assert.ThrowsAsync<BackupConfigurationException>(() => db.Database.MigrateWithBackupAsync(provider.Service()));

        Assert.Equal(["20261203000002_AddTags"], await db.Database.GetPendingMigrationsAsync());
    }

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build(string? key) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, key,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
}
