using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>A whole schema of the kind real applications have comes back identical: schema text and every table's content.</summary>
public sealed class RentalFullRoundTripTests(RentalDatabaseFixture source) : IClassFixture<RentalDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task FullBackup_RentalSchema_RestoresTheSameSchemaAndContentAndDeepVerifies()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, Services.NewKey());
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();

        var restore = await service.RestoreFromBackupAsync(manifest.Id);
        try
        {
            var verify = await service.VerifyBackupAsync(manifest.Id, deep: true);

            Assert.True(verify.IsValid, string.Join("; ", verify.Checks.Select(c => $"{c.Name}: {c.Detail}")));
            Assert.Equal(RentalDatabase.PaymentMonths + 1, manifest.TableRowCounts.Keys.Count(t => t.StartsWith("public.payment_", StringComparison.Ordinal)));
            Assert.Equal(await DatabaseComparison.NormalizedSchemaAsync(source.Database), await DatabaseComparison.NormalizedSchemaAsync(restore.TargetDatabase));
            Assert.Equal(await DatabaseComparison.ContentHashesAsync(source.Database), await DatabaseComparison.ContentHashesAsync(restore.TargetDatabase));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(restore.TargetDatabase);
        }
    }
}
