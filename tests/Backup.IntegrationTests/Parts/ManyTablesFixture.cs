namespace Backup.IntegrationTests.Parts;

/// <summary>
/// 40 tables with indexes and foreign keys: 20 customers/orders pairs (orders referencing
/// customers), most over 32 KB so they are parts, every fifth orders table over 1.25 MB so it is
/// split by pages, and a few tiny ones left in pg_dump's archive.
/// </summary>
public sealed class ManyTablesFixture : IAsyncLifetime
{
    public const int Pairs = 20;

    public string Database { get; } = "it_parts_many_" + Guid.NewGuid().ToString("N")[..8];

    public static string Orders(int i) => $"shop.orders_{i:D2}";

    public static string Customers(int i) => $"shop.customers_{i:D2}";

    public static bool IsSplit(int i) => i % 5 == 0;

    public static bool IsTiny(int i) => i % 7 == 3 && !IsSplit(i);

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(Database);
        var sql = new System.Text.StringBuilder("CREATE SCHEMA shop;\n");
        for (var i = 0; i < Pairs; i++)
        {
            var customers = IsTiny(i) ? 20 : 800;
            var orders = IsSplit(i) ? 22000 : IsTiny(i) ? 30 : 1200;
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"""
                CREATE TABLE shop.customers_{i:D2} (id int PRIMARY KEY, email text NOT NULL UNIQUE, name text);
                INSERT INTO shop.customers_{i:D2} SELECT g, 'c' || g || '@t{i}.example', repeat('n', 30) FROM generate_series(1, {customers}) g;
                CREATE TABLE shop.orders_{i:D2} (id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES shop.customers_{i:D2}, amount numeric(10,2), note text);
                CREATE INDEX ON shop.orders_{i:D2} (customer_id);
                INSERT INTO shop.orders_{i:D2} SELECT g, 1 + g % {customers}, g * 1.5, repeat('o', 50) FROM generate_series(1, {orders}) g;

                """);
        }
        await TestServer.ExecuteAsync(Database, sql.ToString());
        // No VACUUM: its free space and visibility maps (32 KB) alone would make a tiny table bigger than 1 MB parts' 32 KB threshold.
    }

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(Database);
}
