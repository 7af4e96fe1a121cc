using System.Net;
using System.Net.Sockets;
using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Postgres;

/// <summary>
/// A restore target is a database name, never connection settings: libpq reads a name with '='
/// (or a URI) as a connection string whose host and port override the configured ones, which
/// would send the password to whoever listens there.
/// </summary>
public sealed class RestoreTargetNameTests(SmallDatabaseFixture source) : IClassFixture<SmallDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();

    public void Dispose() => _store.Dispose();

    public static TheoryData<string> HostileNames => new()
    {
        "host=127.0.0.1 port=1 dbname=x",
        "dbname=victim",
        "postgresql://attacker@127.0.0.1:1/x",
        "postgres://127.0.0.1/x",
        new string('é', 32), // 32 characters but 64 bytes in UTF-8: one byte over PostgreSQL's limit
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Restore_TargetThatIsNotAPlainName_IsRefusedBeforeAnythingConnects(string target)
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();

        var restore = await Assert.ThrowsAsync<ArgumentException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target }));
        Assert.Contains("TargetDatabase", restore.Message, StringComparison.Ordinal);
        var pitr = await Assert.ThrowsAsync<ArgumentException>(() => service.RestoreLatestAsync(new PointInTimeOptions { TargetDatabase = target }));
        Assert.Contains("TargetDatabase", pitr.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EngineRestore_NameWithConnectionSettings_GoesToTheConfiguredServerAsALiteralName()
    {
        // Below the service's check, the tools must still read the name as a name: nothing may
        // connect to the listener the "settings" point at.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        // A fake server that counts and hangs up at once: a tool that connects here fails fast instead of waiting.
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
            }
        });
        var target = $"host=127.0.0.1 port={port} dbname=x";
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var engine = provider.GetRequiredService<PostgresBackupEngine>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await engine.RestoreAsync(
                new EngineRestoreRequest { TargetDatabase = target },
                ct => service.OpenBackupContentAsync(manifest.Id, ct),
                timeout.Token);

            Assert.Equal(0, Volatile.Read(ref connections));
            Assert.Equal(3L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM sales.customers"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }
}
