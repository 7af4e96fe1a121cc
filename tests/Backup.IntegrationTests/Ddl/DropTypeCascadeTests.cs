namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// DROP TYPE ... CASCADE drops the columns of that type from tables no command names
/// (pg_event_trigger_ddl_commands() is empty for a DROP). Their new shapes must be recorded with
/// the statement, or the next change to such a table no longer matches the chain's shape and
/// ends the chain.
/// </summary>
public sealed class DropTypeCascadeTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_droptype_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public Task InitializeAsync() => TestServer.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Recovery_AfterDropTypeCascadeDroppedAColumn_GivesTheExactTableAndSchema()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, null,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        await TestServer.ExecuteAsync(_database, "CREATE TABLE diary (id int PRIMARY KEY, note text NOT NULL); INSERT INTO diary SELECT g, 'day ' || g FROM generate_series(1, 20) g");
        var full = await service.CreateFullBackupAsync();
        Assert.Equal("on", full.Properties["ddl-capture"]);
        await TestServer.ExecuteAsync(_database, "CREATE TYPE mood AS ENUM ('glad', 'sad')");
        await TestServer.ExecuteAsync(_database, "ALTER TABLE diary ADD COLUMN feeling mood; UPDATE diary SET feeling = 'glad' WHERE id % 2 = 0");
        var withMood = await SchemaMoment.RecordAsync(_database, "with the mood column");
        await TestServer.ExecuteAsync(_database, "DROP TYPE mood CASCADE");
        await TestServer.ExecuteAsync(_database, "INSERT INTO diary VALUES (21, 'after'), (22, 'later'); UPDATE diary SET note = note || '!' WHERE id % 3 = 0; DELETE FROM diary WHERE id = 5");
        var after = await SchemaMoment.RecordAsync(_database, "after the rows");
        Assert.DoesNotContain("feeling", after.Schema, StringComparison.Ordinal);

        await service.CreateIncrementalBackupAsync();
        foreach (var moment in new[] { withMood, after })
        {
            var recovered = await service.PointInTimeRecoveryAsync(moment.At);
            _recovered.Add(recovered.TargetDatabase);
            Assert.Equal(moment.Schema, await DatabaseComparison.ApplicationSchemaAsync(recovered.TargetDatabase));
            Assert.Equal(moment.Hashes, await SchemaMoment.HashesAsync(recovered.TargetDatabase));
        }
    }
}
