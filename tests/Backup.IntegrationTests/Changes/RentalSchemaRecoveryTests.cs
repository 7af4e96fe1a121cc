using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Changes;

/// <summary>
/// Incrementals and recovery on a schema of the kind real applications have (<see cref="RentalDatabase"/>):
/// its timestamp column is <c>last_update</c>, its payments are partitioned under a parent without
/// that column, and a materialized view summarizes them. Compared table by table with the source.
/// </summary>
public sealed class RentalSchemaRecoveryTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_rent_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();
    private readonly List<string> _recovered = [];

    // Updates through last_update triggers, inserts, payments moved across partitions, deletes.
    private const string Changes = """
        UPDATE public.actor SET last_name = last_name || 'x' WHERE actor_id % 10 = 0;
        UPDATE public.customer SET active = NOT active WHERE customer_id % 7 = 0;
        INSERT INTO public.film (title, description, release_year, rating) VALUES ('New film', 'A story of backups', 2024, 'PG');
        INSERT INTO public.inventory (film_id) SELECT 1 + g % 1000 FROM generate_series(1, 50) g;
        INSERT INTO public.rental (rental_date, inventory_id, customer_id) SELECT now(), 4500 + g, 1 + g FROM generate_series(1, 50) g;
        INSERT INTO public.payment (customer_id, rental_id, amount, payment_date)
            SELECT 1 + g, 16000 + g, 3.99, timestamptz '2025-06-15 00:00+00' + g * interval '1 hour' FROM generate_series(1, 50) g;
        UPDATE public.payment SET amount = amount + 1 WHERE payment_id % 100 = 0;
        UPDATE public.payment SET payment_date = payment_date + interval '40 days' WHERE payment_id % 500 = 0;
        """;

    public async Task InitializeAsync() => await RentalDatabase.CreateAsync(_database);

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task TimestampMode_DefaultColumnThatNoTableHas_IncrementalFailsNamingTheSchemasColumn_TheChainsMarkStays()
    {
        using var wrongColumn = Build(changeCapture: false, timestampColumn: null);
        var service = wrongColumn.Service();
        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE public.actor SET first_name = 'Changed' WHERE actor_id = 1");

        var refused = await Assert.ThrowsAsync<BackupConfigurationException>(() => service.CreateIncrementalBackupAsync());

        Assert.Equal("Backup:Postgres:TimestampColumn", refused.Setting);
        Assert.Contains("No table has the column 'updated_at'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'last_update' in public.actor, public.category, public.customer", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("payment_p", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed, Type = BackupType.Incremental }));

        // The mark did not move: once the column is right, the next incremental holds the change made before the refusal.
        using var rightColumn = Build(changeCapture: false, timestampColumn: "last_update");
        var next = await rightColumn.Service().CreateIncrementalBackupAsync();
        Assert.Equal(full.Id, next.ParentId);
        var latest = await rightColumn.Service().RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        Assert.Equal("Changed", await TestServer.ScalarAsync<string>(latest.TargetDatabase, "SELECT first_name FROM public.actor WHERE actor_id = 1"));
    }

    [Fact]
    public async Task TimestampMode_RoundTrip_CoveredTablesMatchTheSource_InheritedRowsOnce_UncoveredPartitionedTableNamedInTheResult()
    {
        // An inheritance parent: reading it without ONLY would return its child's rows too.
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE public.note (id int PRIMARY KEY, body text, last_update timestamptz NOT NULL DEFAULT now());
            CREATE TABLE public.archived_note (archived_by text) INHERITS (public.note);
            ALTER TABLE public.archived_note ADD PRIMARY KEY (id);
            INSERT INTO public.note (id, body) VALUES (1, 'kept');
            """);
        using var provider = Build(changeCapture: false, timestampColumn: "last_update");
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var atFull = await DatabaseComparison.ContentHashesAsync(_database);
        await TestServer.ExecuteAsync(_database, Changes + """
            INSERT INTO public.note (id, body) VALUES (2, 'new');
            INSERT INTO public.archived_note (id, body, archived_by) VALUES (3, 'archived', 'me');
            """);
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        var incremental = await service.CreateIncrementalBackupAsync();

        var latest = await service.RestoreLatestAsync();
        _recovered.Add(latest.TargetDatabase);
        var recovered = await DatabaseComparison.ContentHashesAsync(latest.TargetDatabase);

        Assert.Equal("public.payment", incremental.Properties["notCovered"]);
        Assert.Equal(["public.payment"], latest.TablesNotCovered);
        Assert.Contains(latest.Caveats, c => c.StartsWith("Timestamp-mode incrementals do not capture deletes", StringComparison.Ordinal));
        Assert.Contains(latest.Caveats, c => c.Contains("public.payment", StringComparison.Ordinal));
        static bool Payment(string key) => key.StartsWith("r public.payment", StringComparison.Ordinal);
        const string View = "m public.rental_by_category";
        Assert.Equal(atEnd.Where(h => !Payment(h.Key) && h.Key != View), recovered.Where(h => !Payment(h.Key) && h.Key != View));
        Assert.Equal(atFull.Where(h => Payment(h.Key)), recovered.Where(h => Payment(h.Key)));
        Assert.Equal(3L, await TestServer.ScalarAsync<long>(latest.TargetDatabase, "SELECT count(*) FROM public.note"));
    }

    [Fact]
    public async Task ChangeCapture_WithoutDdlCapture_RoundTrip_EveryTableMatchesTheSource_ViewRefreshedAfterTheFullBackupIsRecomputed_OrKeptWhenAsked()
    {
        using var provider = Build(changeCapture: true, timestampColumn: null, captureDdl: false);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var atFull = await DatabaseComparison.ContentHashesAsync(_database);
        await TestServer.ExecuteAsync(_database, Changes + """
            DELETE FROM public.payment WHERE payment_id % 333 = 0;
            REFRESH MATERIALIZED VIEW public.rental_by_category;
            """);
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        await service.CreateIncrementalBackupAsync();

        var refreshed = await service.RestoreLatestAsync();
        _recovered.Add(refreshed.TargetDatabase);
        var kept = await service.RestoreLatestAsync(new PointInTimeOptions { RefreshMaterializedViews = false });
        _recovered.Add(kept.TargetDatabase);

        const string View = "m public.rental_by_category";
        Assert.NotEqual(atFull[View], atEnd[View]);
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(refreshed.TargetDatabase));
        Assert.Equal([new RecoveredMaterializedView("public.rental_by_category", MaterializedViewState.Refreshed)], refreshed.MaterializedViews);
        Assert.Empty(refreshed.TablesNotCovered);

        var keptHashes = await DatabaseComparison.ContentHashesAsync(kept.TargetDatabase);
        Assert.Equal(atFull[View], keptHashes[View]);
        Assert.Equal(atEnd.Where(h => h.Key != View), keptHashes.Where(h => h.Key != View));
        Assert.Equal([new RecoveredMaterializedView("public.rental_by_category", MaterializedViewState.AsOfFullBackup)], kept.MaterializedViews);
        Assert.Contains(kept.Caveats, c => c.Contains("not in the change stream", StringComparison.Ordinal) && c.Contains("public.rental_by_category", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangeCapture_WithDdlCapture_TheSourcesRefreshIsReplayedInPlace_ViewsAsTheSourceHadThem()
    {
        using var provider = Build(changeCapture: true, timestampColumn: null);
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, Changes + "REFRESH MATERIALIZED VIEW public.rental_by_category;");
        var atRefresh = await DatabaseComparison.ContentHashesAsync(_database);
        // Changed after the refresh: the source's view no longer agrees with its tables, and the recovered one must not either.
        await TestServer.ExecuteAsync(_database, "DELETE FROM public.payment WHERE payment_id % 333 = 0");
        var atEnd = await DatabaseComparison.ContentHashesAsync(_database);
        await service.CreateIncrementalBackupAsync();

        var recovered = await service.RestoreLatestAsync();
        _recovered.Add(recovered.TargetDatabase);

        const string View = "m public.rental_by_category";
        Assert.Equal(atRefresh[View], atEnd[View]);
        Assert.Equal(atEnd, await DatabaseComparison.ContentHashesAsync(recovered.TargetDatabase));
        Assert.Equal([new RecoveredMaterializedView("public.rental_by_category", MaterializedViewState.Replayed)], recovered.MaterializedViews);
    }

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build(bool changeCapture, string? timestampColumn, bool captureDdl = true) =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, _key,
            b => b.UsePostgres(TestServer.ConnectionString(_database), o =>
            {
                o.ToolsDirectory = TestServer.ToolsDirectory;
                o.ChangeCapture = changeCapture;
                o.CaptureDdl = captureDdl;
                o.TimestampOverlap = TimeSpan.Zero;
                if (timestampColumn is not null)
                {
                    o.TimestampColumn = timestampColumn;
                }
            }));
}
