using System.Text.Json.Nodes;
using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

// Partial restores of a schema of the kind real ones are: a partitioned table, functions that
// return a table's row type, views and a materialized view (issue #18, items 1 and 2).
public sealed class PartialRestoreRentalTests(RentalDatabaseFixture source) : IClassFixture<RentalDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Restore_PartitionedTableAndCustomer_BringsEveryPartitionWithItsRows()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = NewTarget();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["public.payment", "public.customer"] });
        try
        {
            Assert.Equal(RentalDatabase.PaymentMonths + 1, result.BroughtIn.Count(b => b.Kind == "partition"));
            Assert.Equal(RentalDatabase.PaymentMonths + 3, result.RestoredTables.Count); // parent, partitions, customer
            Assert.Equal(16000L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM public.payment"));
            var sourceHashes = await DatabaseComparison.ContentHashesAsync(source.Database);
            var targetHashes = await DatabaseComparison.ContentHashesAsync(target);
            var restoredTables = targetHashes.Keys.Where(k => k.StartsWith("r ", StringComparison.Ordinal)).ToList();
            Assert.Equal(RentalDatabase.PaymentMonths + 2, restoredTables.Count);
            Assert.All(restoredTables, t => Assert.Equal(sourceHashes[t], targetHashes[t]));
            Assert.Equal(restoredTables.Select(t => t[2..]), result.RestoredRowCounts.Keys);
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_constraint WHERE conname = 'payment_customer_id_fkey' AND conrelid = 'public.payment'::regclass"));
            Assert.Contains(result.LeftOut, l => l is { Kind: "foreign key", Name: "payment_rental_id_fkey on public.payment" });
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task Restore_OnePartition_BringsItsParentsDefinitionAndOnlyItsRows()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = NewTarget();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["public.payment_p2024_03"] });
        try
        {
            Assert.Equal(["public.payment", "public.payment_p2024_03"], result.RestoredTables);
            Assert.Equal(["public.payment_p2024_03"], result.RestoredRowCounts.Keys);
            var expected = await TestServer.ScalarAsync<long>(source.Database, "SELECT count(*) FROM public.payment_p2024_03");
            Assert.True(expected > 0);
            Assert.Equal(expected, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM public.payment"));
            Assert.Equal(
                (await DatabaseComparison.ContentHashesAsync(source.Database))["r public.payment_p2024_03"],
                (await DatabaseComparison.ContentHashesAsync(target))["r public.payment_p2024_03"]);
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task Restore_TablesWithoutCustomer_SucceedsLeavingOutTheFunctionOnItsRowType()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = NewTarget();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["public.film", "public.inventory"] });
        try
        {
            Assert.Contains(result.LeftOut, l => l is { Kind: "function", Name: "public.active_customers()" } && l.Reason.Contains("row type of public.customer", StringComparison.Ordinal));
            Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_proc WHERE proname = 'active_customers'"));
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_proc WHERE proname = 'film_in_stock'"));
            Assert.True(await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM public.film_in_stock(1)") > 0);
            var sourceHashes = await DatabaseComparison.ContentHashesAsync(source.Database);
            var targetHashes = await DatabaseComparison.ContentHashesAsync(target);
            Assert.Equal(sourceHashes["r public.film"], targetHashes["r public.film"]);
            Assert.Equal(sourceHashes["r public.inventory"], targetHashes["r public.inventory"]);
            Assert.Equal(["public.film", "public.inventory"], result.RestoredRowCounts.Keys);
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restore_UnknownTable_FailsNamingItBeforeCreatingTheTarget(bool dryRun)
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = NewTarget();

        var error = await Assert.ThrowsAsync<UnknownTableException>(() => service.RestoreFromBackupAsync(
            manifest.Id, new RestoreOptions { TargetDatabase = target, DryRun = dryRun, Tables = ["public.customer", "public.nosuch", "public.custmer"] }));

        Assert.Equal(["public.nosuch", "public.custmer"], error.Tables);
        Assert.Contains("public.custmer (did you mean public.customer?)", error.Message, StringComparison.Ordinal);
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }

    [Fact]
    public async Task DryRun_ChosenTables_PlanAndResultListExactlyWhatIsRestoredAndLeftOut()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var target = NewTarget();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, DryRun = true, Tables = ["public.payment", "public.customer"] });

        Assert.False(await TestServer.DatabaseExistsAsync(target));
        // The parent has no rows of its own: the manifest counts its 37 partitions, plus customer.
        Assert.Contains($"compare the row counts of {RentalDatabase.PaymentMonths + 2} tables (16,600 rows)", string.Join('\n', result.Plan), StringComparison.Ordinal);
        Assert.Equal(RentalDatabase.PaymentMonths + 3, result.RestoredTables.Count);
        var leftOut = result.LeftOut.Select(l => (l.Kind, l.Name)).ToList();
        Assert.Contains(("view", "public.customer_list"), leftOut);
        Assert.Contains(("view", "public.film_list"), leftOut);
        Assert.Contains(("materialized view", "public.rental_by_category"), leftOut);
        Assert.Contains(("foreign key", "payment_rental_id_fkey on public.payment"), leftOut);
        Assert.Contains(("function", "public.film_in_stock(integer)"), leftOut);
        Assert.Contains(("table", "public.rental"), leftOut);
        Assert.DoesNotContain(("function", "public.active_customers()"), leftOut);
        Assert.DoesNotContain(leftOut, l => l.Name.StartsWith("public.payment_p", StringComparison.Ordinal));
        Assert.Contains(result.Plan, l => l.StartsWith("leave out view public.customer_list, public.film_list:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_RowCountDiffersFromTheManifest_FailsAndDropsTheTarget()
    {
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var service = provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        // The manifest is the record of what was dumped: make it claim one row more than there is.
        var path = Directory.GetFiles(_store.Path, manifest.Id + ".json", SearchOption.AllDirectories).Single();
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        json["tableRowCounts"]!["public.payment_p2024_02"] = json["tableRowCounts"]!["public.payment_p2024_02"]!.GetValue<long>() + 1;
        await File.WriteAllTextAsync(path, json.ToJsonString());
        using var fresh = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, null);
        var target = NewTarget();

        var error = await Assert.ThrowsAsync<RowCountMismatchException>(() => fresh.Service().RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target, Tables = ["public.payment"] }));

        Assert.Single(error.Mismatches);
        Assert.StartsWith("public.payment_p2024_02:", error.Mismatches[0], StringComparison.Ordinal);
        Assert.False(await TestServer.DatabaseExistsAsync(target));
    }

    private static string NewTarget() => "it_partial_" + Guid.NewGuid().ToString("N")[..8];
}
