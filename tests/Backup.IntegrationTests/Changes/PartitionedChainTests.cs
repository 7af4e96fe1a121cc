using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Change-capture chains on the rental schema, whose payments are partitioned by month: both
/// publication modes, and partitions created inside a chain (a new month) — recovered databases
/// compared with the source by schema and by per-table content.
/// </summary>
public sealed class PartitionedChainTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_part_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    public Task InitializeAsync() => RentalDatabase.CreateAsync(_database);

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Chain_ChangesToPartitionsAndNewMonthlyPartitions_RecoverToTheSourcesSchemaAndContent(bool viaPartitionRoot, bool captureDdl)
    {
        using var provider = Build(viaPartitionRoot, captureDdl);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        // Changes in existing partitions: inserts, an update that moves a row to another month, deletes.
        await TestServer.ExecuteAsync(_database, """
            INSERT INTO public.payment (customer_id, rental_id, amount, payment_date) SELECT 1 + g % 600, g, 1.50, timestamptz '2025-03-01 00:00+00' + g * interval '1 hour' FROM generate_series(1, 50) g;
            UPDATE public.payment SET payment_date = payment_date + interval '40 days' WHERE payment_id BETWEEN 100 AND 120;
            DELETE FROM public.payment WHERE payment_id BETWEEN 200 AND 210;
            UPDATE public.customer SET email = 'new' || customer_id || '@example.com' WHERE customer_id <= 20;
            """);
        var moment = await ServerClockAsync();
        var schemaAtMoment = await DatabaseComparison.NormalizedSchemaAsync(_database);
        var atMoment = await DatabaseComparison.ContentHashesAsync(_database);
        await Task.Delay(20);
        // A new month: its partition created, and rows inserted into it, between two incrementals.
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE public.payment_p2027_01 PARTITION OF public.payment FOR VALUES FROM ('2027-01-01 00:00+00') TO ('2027-02-01 00:00+00');
            INSERT INTO public.payment (customer_id, rental_id, amount, payment_date) SELECT 1 + g % 600, g, 2.50, timestamptz '2027-01-01 00:00+00' + g * interval '3 hours' FROM generate_series(1, 40) g;
            """);
        var first = await service.CreateIncrementalBackupAsync();
        // The next month, and a change to last month's new partition, in the next incremental of the same chain.
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE public.payment_p2027_02 PARTITION OF public.payment FOR VALUES FROM ('2027-02-01 00:00+00') TO ('2027-03-01 00:00+00');
            INSERT INTO public.payment (customer_id, rental_id, amount, payment_date) SELECT 1 + g % 600, g, 3.50, timestamptz '2027-02-01 00:00+00' + g * interval '5 hours' FROM generate_series(1, 30) g;
            UPDATE public.payment SET amount = amount + 1 WHERE payment_date >= '2027-01-01' AND payment_date < '2027-01-03';
            DELETE FROM public.payment WHERE payment_date >= '2027-01-04' AND payment_date < '2027-01-05';
            """);
        var second = await service.CreateIncrementalBackupAsync();
        var schemaAtEnd = await DatabaseComparison.NormalizedSchemaAsync(_database);
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);

        // The source never refreshes its materialized view: recovery must keep it as the full backup has it to compare equal.
        var keepViews = new PointInTimeOptions { RefreshMaterializedViews = false };
        var latest = await service.RestoreLatestAsync(keepViews);
        _recovered.Add(latest.TargetDatabase);
        var pitr = await service.PointInTimeRecoveryAsync(moment, keepViews);
        _recovered.Add(pitr.TargetDatabase);

        Assert.Equal((first.ChainId, second.ChainId), (second.ChainId, first.ChainId));
        Assert.True(first.Properties.ContainsKey("shape:public.payment_p2027_01"));
        Assert.True(second.Properties.ContainsKey("shape:public.payment_p2027_02"));
        // The chain's publication (here one under its own name) is the source's: restores leave it out.
        static string WithoutPublication(string schema) =>
            string.Join('\n', schema.Split('\n').Where(l => !l.StartsWith("CREATE PUBLICATION it_via_root ", StringComparison.Ordinal) && !l.StartsWith("ALTER PUBLICATION it_via_root ", StringComparison.Ordinal)));
        Assert.Equal(WithoutPublication(schemaAtEnd), await DatabaseComparison.NormalizedSchemaAsync(latest.TargetDatabase));
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(latest.TargetDatabase));
        var recoveredAtMoment = await DatabaseComparison.ContentHashesAsync(pitr.TargetDatabase);
        if (viaPartitionRoot && !captureDdl)
        {
            // Without DDL capture rows arrive under the parent's name: the new partition is made (empty) before the parent's first change.
            Assert.Equal("empty:0", recoveredAtMoment["r public.payment_p2027_01"]);
            recoveredAtMoment.Remove("r public.payment_p2027_01");
        }
        else
        {
            Assert.Equal(WithoutPublication(schemaAtMoment), await DatabaseComparison.NormalizedSchemaAsync(pitr.TargetDatabase));
        }
        static IEnumerable<KeyValuePair<string, string>> Tables(IDictionary<string, string> hashes) => hashes.Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal));
        Assert.Equal(Tables(atMoment), Tables(recoveredAtMoment));

        // A new full backup starts a chain that knows the partitions (and, via the root, the parent).
        var newChain = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "INSERT INTO public.payment (customer_id, rental_id, amount, payment_date) VALUES (1, 1, 9.99, '2027-02-10 00:00+00'), (2, 2, 8.88, '2024-05-05 00:00+00')");
        var next = await service.CreateIncrementalBackupAsync();
        Assert.Equal((newChain.Id, 1L, 2L), (next.ChainId!, next.TransactionCount, next.ChangeCount));
    }

    [Fact]
    public async Task Chain_NewPartitionWithOtherColumnsThanItsParent_IsASchemaChange()
    {
        using var provider = Build(viaPartitionRoot: false, captureDdl: false);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE public.payment_p2027_01 (amount numeric(5,2) NOT NULL, payment_id int NOT NULL DEFAULT nextval('public.payment_payment_id_seq'), customer_id int NOT NULL, rental_id int, payment_date timestamptz NOT NULL);
            ALTER TABLE public.payment ATTACH PARTITION public.payment_p2027_01 FOR VALUES FROM ('2027-01-01 00:00+00') TO ('2027-02-01 00:00+00');
            INSERT INTO public.payment (customer_id, rental_id, amount, payment_date) VALUES (1, 1, 2.50, '2027-01-02 00:00+00');
            """);

        var error = await Assert.ThrowsAsync<SchemaChangedException>(() => service.CreateIncrementalBackupAsync());

        Assert.Contains("public.payment_p2027_01", error.Message, StringComparison.Ordinal);
        Assert.Contains("new full backup", error.Message, StringComparison.Ordinal);
    }

    // Without DDL capture new partitions are covered by NewPartitions (created by replay from the catalog); with it, by their CREATE.
    private ServiceProvider Build(bool viaPartitionRoot, bool captureDdl)
    {
        var publication = viaPartitionRoot ? "it_via_root" : "backup_core";
        if (viaPartitionRoot)
        {
            TestServer.ExecuteAsync(_database, $"CREATE PUBLICATION {publication} FOR ALL TABLES WITH (publish_via_partition_root = true)").GetAwaiter().GetResult();
        }
        return Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; o.PublicationName = publication; o.CaptureDdl = captureDdl; }));
    }

    private async Task<DateTimeOffset> ServerClockAsync() =>
        new(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
}
