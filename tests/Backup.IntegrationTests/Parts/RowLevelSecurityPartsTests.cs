using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.IntegrationTests.Parts;

/// <summary>
/// A table with FORCE ROW LEVEL SECURITY whose policy hides rows from its owner, backed up by that
/// (non-superuser) owner: a superuser bypasses every policy, so only the owner shows the question.
/// pg_dump's answer is the reference: it sets row_security = off and fails ("query would be affected
/// by row-level security policy") rather than dump the table short; a backup taken in parts must
/// fail the same way, never store the visible half.
/// </summary>
public sealed class RowLevelSecurityPartsTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_parts_rls_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _role = "it_rls_owner_" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly TempDirectory _store = new();

    private string OwnerConnection => new NpgsqlConnectionStringBuilder(TestServer.ConnectionString(_database)) { Username = _role, Password = _password }.ConnectionString;

    public async Task InitializeAsync()
    {
        await TestServer.ExecuteAsync("postgres", $"CREATE ROLE {_role} LOGIN PASSWORD '{_password}'");
        await TestServer.ExecuteAsync("postgres", $"CREATE DATABASE {_database} OWNER {_role}");
        await using var connection = new NpgsqlConnection(OwnerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE secrets (id int PRIMARY KEY, tenant int NOT NULL, payload text);
            INSERT INTO secrets SELECT g, g % 2, repeat('s', 60) FROM generate_series(1, 3000) g;
            ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
            ALTER TABLE secrets FORCE ROW LEVEL SECURITY;
            CREATE POLICY only_even ON secrets USING (tenant = 0);
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropDatabaseAsync(_database);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS {_role}");
    }

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task ForcedPolicyHidingRowsFromOwner_BackupInPartsFailsLoudly_AsPgDumpDoes()
    {
        // The policy really hides rows from the owner (and nothing from a superuser).
        Assert.Equal(1500L, await ScalarAsOwnerAsync("SELECT count(*) FROM secrets"));
        Assert.Equal(3000L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM secrets"));
        var pgDump = await PgDumpAsOwnerAsync();
        Assert.NotEqual(0, pgDump.ExitCode);
        Assert.Contains("row-level security", pgDump.Error, StringComparison.Ordinal);

        using var provider = Services.Build(OwnerConnection, _store.Path, Services.NewKey(), b => b.UsePostgres(OwnerConnection, o =>
        {
            o.ToolsDirectory = TestServer.ToolsDirectory;
            o.Jobs = 2;
            o.PartSizeMegabytes = 1;
        }));
        var error = await Assert.ThrowsAnyAsync<BackupException>(() => provider.Service().CreateFullBackupAsync());

        // From the part's COPY (the table is over 32 KB, so pg_dump left its rows to the parts), not from pg_dump.
        Assert.Contains("Copying the rows of public.secrets", error.Message, StringComparison.Ordinal);
        Assert.Contains("row-level security", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(_store.Path, "*", SearchOption.AllDirectories), f => f.Contains(".part-", StringComparison.Ordinal));
    }

    private async Task<long> ScalarAsOwnerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(OwnerConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<(int ExitCode, string Error)> PgDumpAsOwnerAsync()
    {
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, "pg_dump")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--format=custom", $"--dbname=host={TestServer.Host} port={TestServer.Port} user={_role} dbname={_database}" })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = _password;
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        return (process.ExitCode, await error);
    }
}
