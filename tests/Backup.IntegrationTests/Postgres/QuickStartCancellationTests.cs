using Backup.Core.Catalog;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>
/// The quick start is a one-shot process: Ctrl+C (SIGINT) or SIGTERM must cancel the running step
/// and leave nothing half-done — no backup listed as complete, no half-restored database.
/// </summary>
public sealed class QuickStartCancellationTests(RichDatabaseFixture source) : IClassFixture<RichDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sigint_WhileTheBackupRuns_ExitsWith130AndNothingIsListedAsComplete()
    {
        // A lock pg_dump must wait for holds the backup at a known point.
        await using var blocker = new Npgsql.NpgsqlConnection(TestServer.ConnectionString(source.Database));
        await blocker.OpenAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE public.big IN ACCESS EXCLUSIVE MODE", blocker))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        using var quickStart = QuickStart.Start(source.Database, _store.Path, _key);
        await quickStart.WaitForAsync(() => WaitingOnLockAsync(source.Database));

        quickStart.Signal("INT");
        var exitCode = await quickStart.ExitCodeAsync();
        await using (var release = new Npgsql.NpgsqlCommand("ROLLBACK", blocker))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{quickStart.Output}");
        Assert.Contains("Cancelled", quickStart.Output, StringComparison.Ordinal);
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var listed = await provider.Service().ListBackupsAsync();
        Assert.DoesNotContain(listed, m => m.Status == BackupStatus.Completed);
        Assert.Contains(listed, m => m.Status == BackupStatus.Failed && m.Error == "cancelled");
        Assert.DoesNotContain(_store.AllFiles(), f => f.StartsWith("database/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_WhileTheRestoreRuns_ExitsWith130AndDropsTheHalfRestoredDatabase()
    {
        var restoredPrefix = source.Database + "_restored_";
        using var quickStart = QuickStart.Start(source.Database, _store.Path, _key);
        await quickStart.WaitForAsync(async () => await RestoredDatabasesAsync(restoredPrefix) > 0);

        quickStart.Signal("TERM");
        var exitCode = await quickStart.ExitCodeAsync();

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{quickStart.Output}");
        Assert.Contains("3. Restore", quickStart.Output, StringComparison.Ordinal);
        Assert.Equal(0, await RestoredDatabasesAsync(restoredPrefix));
    }

    private static async Task<bool> WaitingOnLockAsync(string database) =>
        await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND wait_event_type = 'Lock'") > 0;

    private static async Task<long> RestoredDatabasesAsync(string prefix) =>
        await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE starts_with(datname, '{prefix}')");

    /// <summary>samples/QuickStart as a child process, configured only by the environment, as scripts/quickstart.sh runs it.</summary>
    private sealed class QuickStart(ChildProcess process) : IDisposable
    {
        public string Output => process.Output;

        public static QuickStart Start(string database, string store, string key) =>
            new(ChildProcess.Start("dotnet", [BuiltProgram.Path("samples/QuickStart", "QuickStart.dll")], Environment.CurrentDirectory, new Dictionary<string, string>
            {
                ["DATABASE_URL"] = TestServer.Url(database),
                ["BACKUP_DIR"] = store,
                ["BACKUP_ENCRYPTION_KEY"] = key,
                ["Logging__LogLevel__Default"] = "Warning",
            }));

        /// <summary>Polls until <paramref name="condition"/> holds; fails if the process ends or a minute passes first.</summary>
        public Task WaitForAsync(Func<Task<bool>> condition) => process.WaitForAsync(condition, TimeSpan.FromMinutes(1));

        public void Signal(string signal) => process.Signal(signal);

        public Task<int> ExitCodeAsync() => process.ExitCodeAsync(TimeSpan.FromMinutes(1));

        public void Dispose() => process.Dispose();
    }
}
