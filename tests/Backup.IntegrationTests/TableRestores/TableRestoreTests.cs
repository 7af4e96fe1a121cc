using System.Diagnostics;
using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Npgsql;

namespace Backup.IntegrationTests.TableRestores;

/// <summary>Chosen tables restored as of a moment beside the live ones, compared and copied back, on a real server.</summary>
public sealed class TableRestoreTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_undo_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _databases = [];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database, """
            CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, data json);
            CREATE TABLE orders (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int NOT NULL REFERENCES customers,
                amount int NOT NULL, doubled int GENERATED ALWAYS AS (amount * 2) STORED);
            CREATE TABLE audit_log (id bigserial PRIMARY KEY, what text NOT NULL);
            CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log (what) VALUES (TG_OP || ' ' || TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; END $$;
            CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit();
            CREATE TABLE accounts (aid int PRIMARY KEY, abalance int NOT NULL);
            CREATE TABLE history (hid bigserial PRIMARY KEY, aid int NOT NULL, delta int NOT NULL);
            INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 200) g;
            INSERT INTO customers SELECT g, 'customer ' || g, json_build_object('n', g) FROM generate_series(1, 100) g;
            INSERT INTO orders (customer_id, amount) SELECT 1 + g % 100, g FROM generate_series(1, 300) g;
            """);
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _databases);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task BadDeleteAndBadUpdate_UnderLoad_RestoredBeside_ComparedExactly_AndCopiedBack()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        // Changes before the moment, which the restored copies must hold.
        await TestServer.ExecuteAsync(_database, "UPDATE customers SET name = name || ' (vip)' WHERE id <= 10; INSERT INTO customers VALUES (200, 'two hundred', NULL), (201, 'gone', NULL); DELETE FROM customers WHERE id = 201");

        using var stop = new CancellationTokenSource();
        var writer = WriteOtherTablesAsync(stop.Token);
        await Task.Delay(500);
        var moment = await ServerClockAsync();
        var before = await HashesAsync(_database, "public.customers", "public.orders");
        await Task.Delay(50);
        var deleted = await ExecuteAsync("DELETE FROM orders WHERE amount < 50");
        var updated = await ExecuteAsync("UPDATE customers SET name = 'oops' WHERE id > 50");
        await TestServer.ExecuteAsync(_database, "INSERT INTO customers VALUES (101, 'new since', NULL); INSERT INTO orders (customer_id, amount) VALUES (101, 7), (101, 8)");
        await service.CreateIncrementalBackupAsync();

        var result = await service.RestoreTablesAsync(["public.customers", "public.orders"], moment);
        await stop.CancelAsync();
        var maxLatency = await writer;

        Assert.StartsWith("restored_", result.TargetSchema, StringComparison.Ordinal);
        Assert.True(result.ExactToTransaction);
        Assert.True(result.Reached <= moment);
        Assert.Equal(["public.customers", "public.orders"], result.Tables.Select(t => t.Source));
        Assert.Equal(before.Values, (await HashesAsync(_database, [.. result.Tables.Select(t => t.Restored)])).Values);
        Assert.Equal((101L, 300L), (result.Tables[0].Rows, result.Tables[1].Rows));
        // The live tables kept taking writes: no statement waited a second.
        Assert.True(maxLatency < TimeSpan.FromSeconds(1), $"a writer's statement took {maxLatency}");
        // No trigger on the copies; their foreign key points at the copy of customers.
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, $"SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{result.TargetSchema}' AND NOT t.tgisinternal"));
        Assert.Equal($"{result.TargetSchema}.customers", await TestServer.ScalarAsync<string>(_database, $"SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = '{result.TargetSchema}.orders'::regclass AND contype = 'f'"));

        var comparison = await service.CompareRestoredTablesAsync(result);
        var customers = comparison.Tables.Single(t => t.Source == "public.customers");
        var orders = comparison.Tables.Single(t => t.Source == "public.orders");
        Assert.Equal(["public.customers", "public.orders"], comparison.Tables.Select(t => t.Source));
        Assert.Equal((1L, 0L, updated), (customers.OnlyInLive, customers.OnlyInRestored, customers.Changed));
        Assert.Equal((2L, deleted, 0L), (orders.OnlyInLive, orders.OnlyInRestored, orders.Changed));
        Assert.Contains("OVERRIDING SYSTEM VALUE", orders.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("doubled", orders.Sql, StringComparison.Ordinal);

        var audited = await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM audit_log");
        var written = await service.ApplyRestoredTablesAsync(comparison);

        Assert.Equal(updated, written["public.customers"]);
        Assert.Equal(deleted, written["public.orders"]);
        // The damaged rows are back as they were; the rows written since are kept.
        Assert.Equal(before["r public.customers"], await TestServer.ScalarAsync<string>(_database, HashOf("customers", "id <> 101")));
        Assert.Equal(before["r public.orders"], await TestServer.ScalarAsync<string>(_database, HashOf("orders", "customer_id <> 101")));
        Assert.Equal(3L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM customers WHERE id = 101") + await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM orders WHERE customer_id = 101"));
        // The live table's audit trigger fired for each row copied back.
        Assert.Equal(audited + deleted, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM audit_log"));
        var again = await service.CompareRestoredTablesAsync(result);
        Assert.All(again.Tables, t => Assert.Equal((0L, 0L, ""), (t.OnlyInRestored, t.Changed, t.Sql)));
    }

    [Fact]
    public async Task IntoAnotherDatabase_WithReferencedTables_AndASchemaChangeOfAChosenTableInTheWindow()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE customers ADD COLUMN note text; UPDATE customers SET note = 'n' || id WHERE id <= 5; ALTER TABLE accounts ADD COLUMN other int; UPDATE accounts SET abalance = 1");
        var moment = await ServerClockAsync();
        var before = await HashesAsync(_database, "public.customers", "public.orders");
        await TestServer.ExecuteAsync(_database, "DELETE FROM orders; UPDATE customers SET note = 'later'");
        await service.CreateIncrementalBackupAsync();
        var target = _database + "_copy";
        _databases.Add(target);

        var plan = await service.RestoreTablesAsync(["public.orders"], moment, new TableRestoreOptions { TargetDatabase = target, IncludeReferencedTables = true, DryRun = true });
        Assert.False(await TestServer.DatabaseExistsAsync(target));
        var result = await service.RestoreTablesAsync(["public.orders"], moment, new TableRestoreOptions { TargetDatabase = target, IncludeReferencedTables = true });

        Assert.Equal(plan.BackupIds, result.BackupIds);
        Assert.Equal((null, target), (result.TargetSchema, result.TargetDatabase));
        Assert.Equal(["public.customers", "public.orders"], result.Tables.Select(t => t.Restored));
        Assert.Equal(before.Values, (await HashesAsync(target, "public.customers", "public.orders")).Values);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_class WHERE relname = 'accounts'"));
        await Assert.ThrowsAsync<BackupException>(() => service.CompareRestoredTablesAsync(result));
    }

    [Fact]
    public async Task SchemaChangeOfAChosenAndAnotherTable_IsRefusedNamingIt_AndLeavesNothing()
    {
        await TestServer.ExecuteAsync(_database, "CREATE TABLE base (id int PRIMARY KEY); CREATE TABLE child (extra int) INHERITS (base); ALTER TABLE child ADD PRIMARY KEY (id)");
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE base ADD COLUMN z int");
        await service.CreateIncrementalBackupAsync();

        var error = await Assert.ThrowsAsync<BackupException>(() => service.RestoreTablesAsync(["public.base"], null, new TableRestoreOptions { TargetSchema = "undo_refused" }));

        Assert.Contains("ALTER TABLE base ADD COLUMN z int", error.Message, StringComparison.Ordinal);
        Assert.Contains("public.child", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_namespace WHERE nspname = 'undo_refused'"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{_database}_undo_%'"));
    }

    [Fact]
    public async Task Refusals_BeforeTouchingAnything()
    {
        using var provider = Build();
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "CREATE SCHEMA taken");

        var outside = await Assert.ThrowsAsync<BackupException>(() => service.RestoreTablesAsync(["public.orders"], full.SnapshotAt!.Value.AddHours(-1)));
        var unknown = await Assert.ThrowsAsync<UnknownTableException>(() => service.RestoreTablesAsync(["public.ordrs"], null));
        var taken = await Assert.ThrowsAsync<BackupException>(() => service.RestoreTablesAsync(["public.orders"], null, new TableRestoreOptions { TargetSchema = "taken" }));
        await Assert.ThrowsAsync<ArgumentException>(() => service.RestoreTablesAsync(["public.orders"], null, new TableRestoreOptions { TargetSchema = "bad;name" }));
        await Assert.ThrowsAsync<ArgumentException>(() => service.RestoreTablesAsync(["public.orders"], null, new TableRestoreOptions { TargetSchema = "a", TargetDatabase = "b" }));

        Assert.Contains("outside every recoverable window", outside.Message, StringComparison.Ordinal);
        Assert.Contains("ordrs", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'taken' exists", taken.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'restored\\_%'"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{_database}_undo_%'"));
    }

    [Fact]
    public async Task TimestampModeChain_RestoresToTheIncremental_AndSaysDeletesAreNotCovered()
    {
        await TestServer.ExecuteAsync(_database, "CREATE TABLE items (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL DEFAULT now()); INSERT INTO items (id, name) SELECT g, 'item ' || g FROM generate_series(1, 20) g");
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = false; o.TimestampOverlap = TimeSpan.Zero; }));
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE items SET name = 'renamed', updated_at = clock_timestamp() WHERE id <= 5; DELETE FROM items WHERE id = 20");
        await service.CreateIncrementalBackupAsync();
        var before = await HashesAsync(_database, "public.items");
        var moment = await ServerClockAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE items SET name = 'oops', updated_at = clock_timestamp()");
        await service.CreateIncrementalBackupAsync();

        var result = await service.RestoreTablesAsync(["public.items"], moment, new TableRestoreOptions { TargetSchema = "undo_ts" });

        Assert.False(result.ExactToTransaction);
        Assert.Contains(result.Caveats, c => c.Contains("do not capture deletes", StringComparison.Ordinal));
        // The delete is not in a timestamp-mode chain: the copy still has row 20, otherwise it is as recorded.
        Assert.Equal(20L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM undo_ts.items"));
        await TestServer.ExecuteAsync(_database, "DELETE FROM undo_ts.items WHERE id = 20");
        Assert.Equal(before.Values, (await HashesAsync(_database, "undo_ts.items")).Values);
    }

    [Fact]
    public async Task Apply_RunsNoSqlHandedIn_AndRefusesATableThatIsNotACopy()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var moment = await ServerClockAsync();
        await TestServer.ExecuteAsync(_database, "UPDATE customers SET name = 'oops' WHERE id > 90");
        await service.CreateIncrementalBackupAsync();
        var result = await service.RestoreTablesAsync(["public.customers"], moment, new TableRestoreOptions { TargetSchema = "undo_apply" });
        var comparison = await service.CompareRestoredTablesAsync(result);
        var customers = comparison.Tables.Single();

        var elsewhere = comparison with { Tables = [customers with { Restored = "public.accounts" }] };
        await Assert.ThrowsAsync<BackupException>(() => service.ApplyRestoredTablesAsync(elsewhere));
        var written = await service.ApplyRestoredTablesAsync(comparison with { Tables = [customers with { Sql = "DROP TABLE accounts;" }] });

        Assert.Equal(10L, written["public.customers"]);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM customers WHERE name = 'oops'"));
        Assert.Equal(200L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM accounts"));
    }

    [Fact]
    public async Task RenameOrMoveOfAChosenTable_InTheWindow_IsRefusedNamingTheStatement()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        await TestServer.ExecuteAsync(_database, "ALTER TABLE customers RENAME TO clients");
        await TestServer.ExecuteAsync(_database, "UPDATE clients SET name = 'after the rename'");
        await TestServer.ExecuteAsync(_database, "CREATE SCHEMA elsewhere");
        await TestServer.ExecuteAsync(_database, "ALTER TABLE orders SET SCHEMA elsewhere");
        await service.CreateIncrementalBackupAsync();

        var renamed = await Assert.ThrowsAsync<BackupException>(() => service.RestoreTablesAsync(["public.customers"], null, new TableRestoreOptions { TargetSchema = "undo_renamed" }));
        var moved = await Assert.ThrowsAsync<BackupException>(() => service.RestoreTablesAsync(["public.orders"], null, new TableRestoreOptions { TargetSchema = "undo_moved" }));

        Assert.Contains("ALTER TABLE customers RENAME TO clients", renamed.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER TABLE orders SET SCHEMA elsewhere", moved.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'undo\\_%'"));
    }

    [Fact]
    public async Task MixedCaseTargetSchema_IsCopiedUnderItsOwnName()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();

        var result = await service.RestoreTablesAsync(["public.customers"], null, new TableRestoreOptions { TargetSchema = "Undo_Mixed" });

        Assert.Equal(["Undo_Mixed.customers"], result.Tables.Select(t => t.Restored));
        Assert.Equal(100L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM \"Undo_Mixed\".customers"));
        Assert.All((await service.CompareRestoredTablesAsync(result)).Tables, t => Assert.Equal((0L, 0L, 0L), (t.OnlyInLive, t.OnlyInRestored, t.Changed)));
    }

    [Fact]
    public async Task InheritanceChildren_OfTheLiveTable_AreNeitherComparedNorWritten()
    {
        await TestServer.ExecuteAsync(_database, "CREATE TABLE base (id int PRIMARY KEY, v text); CREATE TABLE child (extra int) INHERITS (base); ALTER TABLE child ADD PRIMARY KEY (id); INSERT INTO base VALUES (1, 'a'), (2, 'b'), (3, 'c'); INSERT INTO child VALUES (3, 'child', 0), (100, 'child', 0)");
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        var moment = await ServerClockAsync();
        await TestServer.ExecuteAsync(_database, "DELETE FROM ONLY base WHERE id = 1; UPDATE ONLY base SET v = 'oops' WHERE id = 3");
        await service.CreateIncrementalBackupAsync();

        var result = await service.RestoreTablesAsync(["public.base"], moment, new TableRestoreOptions { TargetSchema = "undo_inherit" });
        var comparison = await service.CompareRestoredTablesAsync(result);
        await service.ApplyRestoredTablesAsync(comparison);

        var base_ = comparison.Tables.Single();
        Assert.Equal((0L, 1L, 1L), (base_.OnlyInLive, base_.OnlyInRestored, base_.Changed));
        Assert.Equal("1 a,2 b,3 c", await TestServer.ScalarAsync<string>(_database, "SELECT string_agg(id || ' ' || v, ',' ORDER BY id) FROM ONLY base"));
        Assert.Equal("3 child,100 child", await TestServer.ScalarAsync<string>(_database, "SELECT string_agg(id || ' ' || v, ',' ORDER BY id) FROM child"));
    }

    [Fact]
    public async Task ScratchDatabaseThatCannotBeDropped_AfterTheCopy_LeavesTheResultWithACaveat()
    {
        using var provider = Build();
        var service = provider.Service();
        await service.CreateFullBackupAsync();
        string? scratch = null;
        // Just before the copy: a template database cannot be dropped.
        var progress = new SynchronousProgress(p =>
        {
            if (p.Phase.StartsWith("copying into", StringComparison.Ordinal))
            {
                scratch = TestServer.ScalarAsync<string>("postgres", $"SELECT datname FROM pg_database WHERE datname LIKE '{_database}\\_undo\\_%'").GetAwaiter().GetResult();
                TestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{scratch}\" IS_TEMPLATE true").GetAwaiter().GetResult();
            }
        });
        try
        {
            var result = await service.RestoreTablesAsync(["public.customers"], null, new TableRestoreOptions { TargetSchema = "undo_kept" }, progress);

            Assert.NotNull(scratch);
            Assert.Contains(result.Caveats, c => c.Contains($"'{scratch}' could not be dropped", StringComparison.Ordinal));
            Assert.Equal(100L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM undo_kept.customers"));
        }
        finally
        {
            if (scratch is not null)
            {
                await TestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{scratch}\" IS_TEMPLATE false");
                _databases.Add(scratch);
            }
        }
    }

    private Microsoft.Extensions.DependencyInjection.ServiceProvider Build() =>
        Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));

    // A pgbench-like writer on tables not restored; every statement has lock_timeout 1s, and the longest one is returned.
    private async Task<TimeSpan> WriteOtherTablesAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(_database));
        await connection.OpenAsync(CancellationToken.None);
        await using (var timeout = new NpgsqlCommand("SET lock_timeout = '1s'", connection))
        {
            await timeout.ExecuteNonQueryAsync(CancellationToken.None);
        }
        var random = new Random(3);
        var longest = TimeSpan.Zero;
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            var aid = random.Next(1, 201);
            var delta = random.Next(-500, 500);
            var watch = Stopwatch.StartNew();
            await using (var write = new NpgsqlCommand($"BEGIN; UPDATE accounts SET abalance = abalance + {delta} WHERE aid = {aid}; INSERT INTO history (aid, delta) VALUES ({aid}, {delta}); UPDATE customers SET data = data WHERE false; COMMIT", connection))
            {
                await write.ExecuteNonQueryAsync(CancellationToken.None);
            }
            longest = watch.Elapsed > longest ? watch.Elapsed : longest;
            writes++;
            await Task.Delay(5, CancellationToken.None);
        }
        Assert.True(writes > 50, $"only {writes} writes");
        return longest;
    }

    private async Task<long> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(_database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<SortedDictionary<string, string>> HashesAsync(string database, params string[] tables)
    {
        var all = await DatabaseComparison.ContentHashesAsync(database);
        return new(tables.ToDictionary(t => "r " + t, t => all["r " + t]), StringComparer.Ordinal);
    }

    // The hash DatabaseComparison gives a table, of the rows that match.
    private static string HashOf(string table, string where) =>
        $"SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), 'empty') || ':' || count(*) FROM {table} t WHERE {where}";

    private async Task<DateTimeOffset> ServerClockAsync() =>
        new(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(_database, "SELECT clock_timestamp()"), DateTimeKind.Utc));

    // Reports on the restore's own thread, so that the test acts at that exact point.
    private sealed class SynchronousProgress(Action<BackupProgress> report) : IProgress<BackupProgress>
    {
        public void Report(BackupProgress value) => report(value);
    }
}
