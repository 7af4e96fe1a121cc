using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// Issue #15: a captured statement that fails when replayed stops the recovery with an error naming
/// the statement and its commit time, and leaves no half-recovered database behind. The failure is
/// made honestly: a GRANT to a role that exists on the source when it runs, and no longer exists in
/// the cluster the recovery runs in.
/// </summary>
public sealed class DdlReplayFailureTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_fail_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _role = "it_gone_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
        await TestServer.ExecuteAsync("postgres", $"CREATE ROLE {_role} NOLOGIN");
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(_database, _recovered);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {_role}");
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Recovery_StatementFailingOnReplay_StopsNamingItAndItsCommitTimeAndLeavesNoDatabase()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE orders SET qty = qty + 1 WHERE id <= 20");
        var beforeGrant = await ServerClockAsync();
        var grant = $"GRANT SELECT ON orders TO {_role}";
        await TestServer.ExecuteAsync(_database, grant);
        await TestServer.ExecuteAsync(_database, "DELETE FROM items WHERE id <= 20");
        var moment = await ServerClockAsync();
        await Task.Delay(20);
        await TestServer.ExecuteAsync(_database, $"REVOKE SELECT ON orders FROM {_role}");
        await service.CreateIncrementalBackupAsync();
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE {_role}");
        var target = "it_ddl_fail_target_" + _database[^8..];
        _recovered.Add(target);

        var error = await Assert.ThrowsAsync<DdlReplayException>(() => service.PointInTimeRecoveryAsync(moment, new PointInTimeOptions { TargetDatabase = target }));

        Assert.Contains(grant, error.Statement, StringComparison.Ordinal);
        Assert.InRange(error.CommittedAt, beforeGrant, moment);
        Assert.Contains(grant, error.Message, StringComparison.Ordinal);
        var second = error.CommittedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.True(error.Message.Contains(second, StringComparison.Ordinal) || error.Message.Contains(second.Replace(' ', 'T'), StringComparison.Ordinal),
            $"the message does not name the commit time {second}: {error.Message}");
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }

    private async Task<DateTimeOffset> ServerClockAsync() =>
        new(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
}
