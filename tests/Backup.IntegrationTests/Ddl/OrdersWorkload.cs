using Npgsql;

namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// An application writing while migrations run: short transactions of inserts, updates and deletes
/// on <c>orders</c> and <c>items</c>, on a connection of its own, until stopped. The columns it uses
/// (orders: id, customer, qty; items: id, order_id, sku, price) survive every migration of the tests.
/// <see cref="PausedAsync{T}"/> runs an action between two of its transactions: everything it
/// committed before is committed, nothing more commits until the action ends — a moment whose
/// content can be recorded exactly.
/// </summary>
public sealed class OrdersWorkload : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _database;
    private Task _run = Task.CompletedTask;

    private OrdersWorkload(string database) => _database = database;

    /// <summary>Transactions committed so far.</summary>
    public int Transactions { get; private set; }

    /// <summary>Creates orders and items with a few thousand rows (plus <c>legacy</c> and <c>note</c> columns the migrations change).</summary>
    public static Task CreateTablesAsync(string database) => TestServer.ExecuteAsync(database, """
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, qty int NOT NULL, note text, legacy text);
        CREATE TABLE items (id bigserial PRIMARY KEY, order_id bigint NOT NULL, sku text NOT NULL, price numeric(10,2) NOT NULL);
        INSERT INTO orders (customer, qty, note, legacy) SELECT g % 97, 1 + g % 7, 'note ' || g, 'old ' || g FROM generate_series(1, 2000) g;
        INSERT INTO items (order_id, sku, price) SELECT 1 + g % 2000, 'sku-' || (g % 301), (g % 50) + 0.25 FROM generate_series(1, 3000) g;
        """);

    public static OrdersWorkload Start(string database)
    {
        var workload = new OrdersWorkload(database);
        workload._run = Task.Run(workload.RunAsync);
        return workload;
    }

    /// <summary>Runs <paramref name="action"/> while no transaction of the workload is open or starts.</summary>
    public async Task<T> PausedAsync<T>(Func<Task<T>> action)
    {
        await _gate.WaitAsync();
        try
        {
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the workload; rethrows its failure, if any (a migration must not break the application).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (Exception) when (_run.IsFaulted)
        {
            // Already reported by StopAsync in a test that got that far; a test failing earlier has its own error.
        }
        _stop.Dispose();
        _gate.Dispose();
    }

    private async Task RunAsync()
    {
        var random = new Random(15);
        await using var connection = new NpgsqlConnection(TestServer.ConnectionString(_database));
        await connection.OpenAsync();
        while (!_stop.IsCancellationRequested)
        {
            var sql = random.Next(8) switch
            {
                0 => $"INSERT INTO orders (customer, qty) VALUES ({random.Next(97)}, {1 + random.Next(9)})",
                1 => $"UPDATE orders SET qty = qty + 1, customer = {random.Next(97)} WHERE id % 101 = {random.Next(101)}",
                2 => "DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)",
                3 => $"INSERT INTO items (order_id, sku, price) VALUES ({random.Next(1, 2000)}, 'sku-{random.Next(400)}', {random.Next(100)}.50)",
                4 => $"UPDATE items SET price = price + 1 WHERE id % 89 = {random.Next(89)}",
                5 => $"DELETE FROM items WHERE id % 997 = {random.Next(997)}",
                // One transaction over both tables, as an order with its items is written.
                _ => $"BEGIN; INSERT INTO orders (customer, qty) VALUES ({random.Next(97)}, 2); INSERT INTO items (order_id, sku, price) VALUES (currval('orders_id_seq'), 'sku-new', 9.99); UPDATE items SET sku = sku || '*' WHERE id = (SELECT max(id) FROM items WHERE sku NOT LIKE '%*'); COMMIT",
            };
            await _gate.WaitAsync();
            try
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
                Transactions++;
            }
            finally
            {
                _gate.Release();
            }
            await Task.Delay(3);
        }
    }
}
