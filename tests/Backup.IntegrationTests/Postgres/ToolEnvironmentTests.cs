using Backup.Core.Abstractions;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>pg_dump sees only the environment a PostgreSQL client needs, not the host's secrets.</summary>
public sealed class ToolEnvironmentTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _out = new();

    public void Dispose()
    {
        _store.Dispose();
        _out.Dispose();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task PgDump_HostHasSecretsInItsEnvironment_SeesOnlyTheToolVariablesAndThePassword()
    {
        // A name of its own: the test process's environment is shared with tests running alongside.
        var sentinel = "BACKUP_TEST_API_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var environ = Path.Combine(_out.Path, "environ");
        using var tools = await FakeTools.CreateAsync(name => $"[ \"$1\" = --version ] && echo '{name} (PostgreSQL) 15.18' && exit 0\nenv > '{environ}'\nexit 3\n");
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, Services.NewKey(), b => b.UsePostgres(TestServer.ConnectionString(source.Database), o => o.ToolsDirectory = tools.Path));
        Environment.SetEnvironmentVariable(sentinel, "secret-sentinel");
        try
        {
            await Assert.ThrowsAsync<BackupDatabaseException>(() => provider.Service().CreateFullBackupAsync());
        }
        finally
        {
            Environment.SetEnvironmentVariable(sentinel, null);
        }

        var names = (await File.ReadAllLinesAsync(environ)).Select(l => l.Split('=')[0]).ToList();
        Assert.DoesNotContain(sentinel, names);
        Assert.Contains("PGPASSWORD", names);
        Assert.Contains("PATH", names);
        Assert.All(names, n => Assert.True(n is "PATH" or "HOME" or "LANG" or "LANGUAGE" or "TZ" or "TMPDIR" or "PGPASSWORD" or "PGSSLMODE" or "PGAPPNAME" or "PGCONNECT_TIMEOUT" or "PGPASSFILE" or "PWD" or "SHLVL" or "_" || n.StartsWith("LC_", StringComparison.Ordinal) || n.StartsWith("PGSSL", StringComparison.Ordinal), $"pg_dump inherited {n}"));
    }
}
