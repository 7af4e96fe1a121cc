using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// Issue #15: migrations of every common kind run inside ONE chain while an application writes;
/// recovery to the moment before and after each migration must give exactly the source's schema
/// (pg_dump --schema-only) and rows at that moment. Without DDL capture the first incremental
/// after a migration fails with SchemaChangedException, so this fails.
/// </summary>
public sealed class MigrationsUnderLoadTests : IAsyncLifetime, IDisposable
{
    private readonly string _database = "it_ddl_load_" + Guid.NewGuid().ToString("N")[..8];
    private readonly TempDirectory _store = new();
    private readonly List<string> _recovered = [];

    // Each step is one migration; its statements run one by one (each its own transaction) while the workload writes.
    private static readonly (string Label, string[] Statements)[] Steps =
    [
        ("add column with a default", ["ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new'", "UPDATE orders SET status = 'paid' WHERE id % 10 = 0"]),
        ("drop column", ["ALTER TABLE orders DROP COLUMN legacy"]),
        ("rename column", ["ALTER TABLE orders RENAME COLUMN note TO remark", "UPDATE orders SET remark = 'renamed' WHERE id % 13 = 0"]),
        ("alter column type", ["ALTER TABLE orders ALTER COLUMN qty TYPE bigint", "UPDATE orders SET qty = qty + 3000000000 WHERE id % 17 = 0"]),
        ("create table then rows", [
            "CREATE TABLE tags (id serial PRIMARY KEY, order_id bigint NOT NULL, name text NOT NULL)",
            "INSERT INTO tags (order_id, name) SELECT id, 'tag ' || id FROM orders WHERE id % 5 = 0",
            "UPDATE tags SET name = upper(name) WHERE id % 3 = 0",
            "DELETE FROM tags WHERE id % 7 = 0"]),
        ("create index", ["CREATE INDEX items_sku ON items (sku)"]),
        ("create index concurrently", ["CREATE INDEX CONCURRENTLY orders_customer ON orders (customer, id)"]),
        ("add constraint", ["ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0)", "ALTER TABLE tags ADD CONSTRAINT tags_name_unique UNIQUE (name)"]),
        ("drop table", ["DROP TABLE scratch"]),
        ("partitioned table, attach partition", [
            "CREATE TABLE events (id int NOT NULL, day date NOT NULL, payload text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
            "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            "INSERT INTO events SELECT g, date '2026-01-01' + g % 365, 'e' || g FROM generate_series(1, 400) g",
            "CREATE TABLE events_2027 (id int NOT NULL, day date NOT NULL, payload text, PRIMARY KEY (id, day))",
            "INSERT INTO events_2027 SELECT g, date '2027-01-01' + g % 365, 'early ' || g FROM generate_series(1001, 1100) g",
            "ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')",
            "INSERT INTO events SELECT g, date '2027-01-01' + g % 365, 'late ' || g FROM generate_series(2001, 2100) g",
            "UPDATE events SET payload = payload || '!' WHERE id % 9 = 0"]),
        ("detach partition", [
            "ALTER TABLE events DETACH PARTITION events_2026",
            "UPDATE events_2026 SET payload = 'detached' WHERE id % 4 = 0",
            "DELETE FROM events WHERE id % 11 = 0"]),
        ("new schema", [
            "CREATE SCHEMA billing",
            "CREATE TABLE billing.invoices (id int PRIMARY KEY, order_id bigint NOT NULL, total numeric(12,2) NOT NULL)",
            "INSERT INTO billing.invoices SELECT g, g, g * 1.5 FROM generate_series(1, 300) g",
            "UPDATE billing.invoices SET total = 0 WHERE id % 6 = 0",
            // Unqualified names resolved through the session's search_path, as a migrator configured for a schema sends them
            // (Npgsql sends each statement of the string separately, so this is not DDL mixed with rows in one query).
            "SET search_path = billing, public; CREATE TABLE notes (id int PRIMARY KEY, invoice_id int REFERENCES invoices); INSERT INTO notes SELECT g, g FROM generate_series(1, 40) g"]),
        ("table without a key", [
            "CREATE TABLE audit (at timestamptz NOT NULL, what text NOT NULL)",
            "ALTER TABLE audit REPLICA IDENTITY FULL",
            "INSERT INTO audit SELECT timestamptz '2026-01-01 00:00+00' + g * interval '1 minute', 'event ' || g FROM generate_series(1, 200) g",
            "DELETE FROM audit WHERE what LIKE '%7'",
            "UPDATE audit SET what = what || ' seen' WHERE what LIKE '%3'"]),
        ("enum with a new value", [
            "CREATE TYPE mood AS ENUM ('sad', 'ok')",
            "CREATE TABLE feedback (id int PRIMARY KEY, mood mood NOT NULL)",
            "INSERT INTO feedback VALUES (1, 'sad'), (2, 'ok')",
            "ALTER TYPE mood ADD VALUE 'happy'",
            "INSERT INTO feedback VALUES (3, 'happy')",
            "UPDATE feedback SET mood = 'happy' WHERE id = 1"]),
        ("create table as", [
            "CREATE TABLE order_totals AS SELECT customer, sum(qty) AS qty FROM orders GROUP BY customer",
            "ALTER TABLE order_totals ADD PRIMARY KEY (customer)",
            "UPDATE order_totals SET qty = 0 WHERE customer % 5 = 0"]),
    ];

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await OrdersWorkload.CreateTablesAsync(_database);
        await TestServer.ExecuteAsync(_database, "CREATE TABLE scratch (id int PRIMARY KEY, body text); INSERT INTO scratch SELECT g, 'row ' || g FROM generate_series(1, 500) g");
    }

    public Task DisposeAsync() => TestServer.DropWithSlotsAsync(_database, _recovered);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task MigrationsOfEveryKindUnderLoadInOneChain_RecoveryToEveryMomentGivesItsSchemaAndRows()
    {
        using var provider = Services.Build(TestServer.ConnectionString(_database), _store.Path, Services.NewKey(),
            b => b.UsePostgres(TestServer.ConnectionString(_database), o => { o.ToolsDirectory = TestServer.ToolsDirectory; o.ChangeCapture = true; }));
        var service = provider.Service();
        var full = await service.CreateFullBackupAsync();
        Assert.Equal("on", full.Properties["ddl-capture"]);

        var moments = new List<SchemaMoment>();
        var incrementals = new List<Backup.Core.Catalog.BackupManifest>();
        await using (var workload = OrdersWorkload.Start(_database))
        {
            foreach (var (label, statements) in Steps)
            {
                await Task.Delay(150);
                moments.Add(await workload.PausedAsync(() => SchemaMoment.RecordAsync(_database, "before " + label)));
                foreach (var statement in statements)
                {
                    await TestServer.ExecuteAsync(_database, statement);
                }
                moments.Add(await workload.PausedAsync(() => SchemaMoment.RecordAsync(_database, "after " + label)));
                await Task.Delay(150);
                incrementals.Add(await service.CreateIncrementalBackupAsync());
            }
            await workload.StopAsync();
            Assert.True(workload.Transactions > 100, $"the workload committed only {workload.Transactions} transactions");
        }
        incrementals.Add(await service.CreateIncrementalBackupAsync());

        Assert.All(incrementals, i => Assert.Equal(full.Id, i.ChainId));
        // The moments differ from each other: each migration changed the schema, the workload the rows.
        Assert.Equal(Steps.Length + 1, moments.Select(m => m.Schema).Distinct().Count());
        foreach (var moment in moments)
        {
            var recovered = await service.PointInTimeRecoveryAsync(moment.At);
            _recovered.Add(recovered.TargetDatabase);
            Assert.True(moment.Schema == await DatabaseComparison.ApplicationSchemaAsync(recovered.TargetDatabase),
                $"schema differs at the moment {moment.Label} ({moment.At:O}):\n{Difference(moment.Schema, await DatabaseComparison.ApplicationSchemaAsync(recovered.TargetDatabase))}");
            Assert.True(moment.Hashes.SequenceEqual(await SchemaMoment.HashesAsync(recovered.TargetDatabase)),
                $"rows differ at the moment {moment.Label} ({moment.At:O}): expected {string.Join(", ", moment.Hashes)}; recovered {string.Join(", ", await SchemaMoment.HashesAsync(recovered.TargetDatabase))}");
            await TestServer.DropDatabaseAsync(recovered.TargetDatabase);
        }
    }

    // The lines only one side has, for a readable failure.
    private static string Difference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        return "only in the source:\n" + string.Join('\n', expectedLines.Except(actualLines)) + "\nonly in the recovered database:\n" + string.Join('\n', actualLines.Except(expectedLines));
    }
}
