using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Postgres;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Parts;

/// <summary>
/// Full backups taken in parts (Backup:Postgres:Jobs) of the rich sample: its 1M-row table split
/// into page ranges of 16 MB on two connections, the small tables left in pg_dump's archive.
/// </summary>
public sealed class PartsRoundTripTests(RichDatabaseFixture source) : IClassFixture<RichDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build(int jobs = 2) =>
        Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key, b => b.UsePostgres(TestServer.ConnectionString(source.Database), o =>
        {
            o.ToolsDirectory = TestServer.ToolsDirectory;
            o.Jobs = jobs;
            o.PartSizeMegabytes = 16;
        }));

    [Fact]
    public async Task BackupInParts_BigTableSplitByPages_RestoresIdentically()
    {
        using var provider = Build();
        var service = provider.Service();

        var manifest = await service.CreateFullBackupAsync();

        var big = manifest.Parts.Where(p => p.Table == "public.big").OrderBy(p => p.FirstPage).ToList();
        Assert.True(big.Count >= 3, $"public.big in {big.Count} part(s)");
        Assert.Equal(big.Count, manifest.Parts.Count);
        Assert.Equal(0, big[0].FirstPage);
        Assert.Null(big[^1].EndPage);
        Assert.All(big.Zip(big.Skip(1)), pair => Assert.Equal(pair.First.EndPage, pair.Second.FirstPage));
        Assert.Equal(1_000_000, big.Sum(p => p.Rows));
        Assert.Equal(1_000_000, manifest.TableRowCounts["public.big"]);
        Assert.Equal(3, manifest.TableRowCounts["sales.orders"]);
        Assert.All(manifest.Parts, p => Assert.Matches(@"^database/[0-9A-Za-z-]+\.part-\d{5}\.copy\.zst\.enc$", p.Content.Key));
        Assert.All(manifest.Parts, p => Assert.True(File.Exists(Path.Combine(_store.Path, p.Content.Key)), p.Content.Key));

        var result = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            Assert.Empty(result.RowCountMismatches);
            Assert.Equal(manifest.Content!.RawBytes + manifest.Parts.Sum(p => p.Content.RawBytes), result.Bytes);
            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(result.TargetDatabase));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task Verify_BackupInParts_ChecksEveryPartAndDeepRestoreMatches()
    {
        using var provider = Build();
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();

        var result = await service.VerifyBackupAsync(manifest.Id, deep: true);

        Assert.True(result.IsValid, string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        var parts = Assert.Single(result.Checks, c => c.Name == "table data parts");
        Assert.Contains($"{manifest.Parts.Count} part(s)", parts.Detail, StringComparison.Ordinal);
        Assert.Contains("1,000,000 rows", parts.Detail, StringComparison.Ordinal);
        Assert.Contains(result.Checks, c => c.Name == "scratch restore" && c.Passed);
    }

    [Fact]
    public async Task RestoreChosenTable_FromParts_LoadsOnlyItsParts()
    {
        using var provider = Build();
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { Tables = ["public.big"] });
        try
        {
            Assert.Equal(["public.big"], result.RestoredTables);
            Assert.Equal(1_000_000, result.RestoredRowCounts["public.big"]);
            Assert.Equal(1_000_000L, await TestServer.ScalarAsync<long>(result.TargetDatabase, "SELECT count(*) FROM public.big"));
            Assert.False(await TestServer.ScalarAsync<bool>(result.TargetDatabase, "SELECT to_regclass('sales.orders') IS NOT NULL"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(result.TargetDatabase);
        }
    }

    [Fact]
    public async Task Download_BackupInParts_IsOneArchivePgRestoreRestoresWhole()
    {
        using var provider = Build();
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var file = Path.Combine(_store.Path, "downloaded.dump");
        await using (var content = await service.OpenBackupContentAsync(manifest.Id))
        await using (var output = File.Create(file))
        {
            await content.CopyToAsync(output);
        }
        var target = "it_parts_downloaded";
        await TestServer.DropDatabaseAsync(target);
        await TestServer.CreateDatabaseAsync(target);
        try
        {
            var list = await RunToolAsync("pg_restore", "--list", file);
            Assert.Contains("TABLE DATA public big", list, StringComparison.Ordinal);
            await RunToolAsync("pg_restore", "--jobs=2", "--exit-on-error", $"--dbname=host={TestServer.Host} port={TestServer.Port} user={TestServer.User} dbname={target}", file);

            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(target));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    private static async Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(TestServer.ToolsDirectory, tool)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGPASSWORD"] = TestServer.Password;
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await error}");
        return await output;
    }

    public static TheoryData<string> Damages => ["corrupt", "missing", "swapped", "truncated"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task DamagedPart_VerifyAndRestoreFailWithIntegrityError_NoDatabaseLeft(string damage)
    {
        using var provider = Build();
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var first = Path.Combine(_store.Path, manifest.Parts[0].Content.Key);
        var second = Path.Combine(_store.Path, manifest.Parts[1].Content.Key);
        switch (damage)
        {
            case "corrupt":
                await using (var file = new FileStream(first, FileMode.Open, FileAccess.ReadWrite))
                {
                    file.Position = file.Length / 2;
                    var b = file.ReadByte();
                    file.Position = file.Length / 2;
                    file.WriteByte((byte)(b ^ 0x5a));
                }
                break;
            case "missing":
                File.Delete(first);
                break;
            case "swapped":
                File.Move(first, first + ".tmp");
                File.Move(second, first);
                File.Move(first + ".tmp", second);
                break;
            case "truncated":
                await using (var file = new FileStream(first, FileMode.Open, FileAccess.ReadWrite))
                {
                    file.SetLength(file.Length - 100);
                }
                break;
        }

        var verify = await service.VerifyBackupAsync(manifest.Id);
        Assert.False(verify.IsValid);
        var failed = Assert.Single(verify.Checks, c => !c.Passed);
        Assert.Contains(manifest.Parts[0].Content.Key, failed.Detail, StringComparison.Ordinal);

        var target = "it_parts_damaged_" + damage;
        await Assert.ThrowsAnyAsync<BackupIntegrityException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target }));
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }
}
