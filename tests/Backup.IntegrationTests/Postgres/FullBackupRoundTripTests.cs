using System.Diagnostics;
using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

public sealed class FullBackupRoundTripTests(RichDatabaseFixture source) : IClassFixture<RichDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackupThenRestore_EveryKindOfObject_SchemaAndEveryTableIdentical()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();

        var manifest = await service.CreateFullBackupAsync(new FullBackupOptions { Comment = "round trip" });

        Assert.Equal(BackupType.Full, manifest.Type);
        Assert.Equal(1_000_000, manifest.TableRowCounts["public.big"]);
        Assert.Equal(3, manifest.TableRowCounts["sales.orders"]);
        Assert.EndsWith(".dump.zst.enc", manifest.Content!.Key, StringComparison.Ordinal);
        Assert.True(manifest.Content.StoredBytes < manifest.Content.RawBytes);

        var result = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            Assert.StartsWith(source.Database + "_restored_", result.TargetDatabase, StringComparison.Ordinal);
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(result.TargetDatabase));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task DeepVerify_GoodBackup_RestoresToScratchMatchesCountsAndDropsIt()
    {
        using var provider = Services.Build(TestServer.Url(source.Database), _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();

        var result = await service.VerifyBackupAsync(manifest.Id, deep: true);

        Assert.True(result.IsValid, string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Contains(result.Checks, c => c.Name == "scratch restore" && c.Passed);
        Assert.Contains(result.Checks, c => c.Name == "archive" && c.Passed);
        Assert.Equal(0, await TestServer.ScalarAsync<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'backup_verify_%'"));
    }

    [Fact]
    public async Task Backup_PasswordNeverInToolArgumentsManifestOrStore()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        using var watching = new CancellationTokenSource();
        var seen = WatchPgDumpCommandLinesAsync(watching.Token);

        var manifest = await service.CreateFullBackupAsync();
        await watching.CancelAsync();
        var commandLines = await seen;

        Assert.NotEmpty(commandLines);
        Assert.All(commandLines, line => Assert.DoesNotContain(TestServer.Password, line, StringComparison.Ordinal));
        Assert.Contains(commandLines, line => line.Contains("--format=custom", StringComparison.Ordinal) && line.Contains("--dbname=host=", StringComparison.Ordinal));
        var manifestJson = await File.ReadAllTextAsync(Path.Combine(_store.Path, "metadata", manifest.Id + ".json"));
        Assert.DoesNotContain(TestServer.Password, manifestJson, StringComparison.Ordinal);
        Assert.DoesNotContain(_key, manifestJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_ContentIsThePgDumpArchive()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync(new FullBackupOptions { Tables = ["sales.customers"] });

        await using var content = await service.OpenBackupContentAsync(manifest.Id);
        var bytes = new MemoryStream();
        await content.CopyToAsync(bytes);

        Assert.Equal("PGDMP"u8.ToArray(), bytes.ToArray()[..5]);
        Assert.Equal(manifest.Content!.RawBytes, bytes.Length);
        Assert.Equal(["sales.customers"], manifest.TableRowCounts.Keys);
    }

    // Polls the process table while the backup runs: what any local user could read.
    private static async Task<List<string>> WatchPgDumpCommandLinesAsync(CancellationToken stop)
    {
        var lines = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var process in Process.GetProcessesByName("pg_dump"))
            {
                try
                {
                    var cmdline = await File.ReadAllTextAsync($"/proc/{process.Id}/cmdline", CancellationToken.None);
                    lines.Add(cmdline.Replace('\0', ' '));
                }
                catch (IOException)
                {
                    continue; // it ended between the listing and the read
                }
                finally
                {
                    process.Dispose();
                }
            }
            await Task.Delay(5, CancellationToken.None);
        }
        return lines;
    }
}
