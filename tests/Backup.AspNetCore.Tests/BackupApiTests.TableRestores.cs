using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Backup.AspNetCore.Tests;

/// <summary>restore/tables and restore/tables/apply: beside the live table, compared, copied back only from the server's own restore.</summary>
public sealed partial class BackupApiTests
{
    private const string TableHash = "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM t";

    [Fact]
    public async Task RestoreTables_BesideTheLiveTable_CountsAreExact_ApplyRecomputesAndPutsTheRowsBack()
    {
        var client = Client(AdminKey);
        await PollAsync(client, (await client.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        var before = await TestServer.ScalarAsync<string>(_database, TableHash);
        await TestServer.ExecuteAsync(_database, "DELETE FROM t WHERE id <= 100; UPDATE t SET v = 'oops' WHERE id BETWEEN 101 AND 150");

        var restored = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" }, targetSchema = "undo_api" })).Headers.Location!.ToString());
        var operationId = restored.GetProperty("id").GetString();
        // Damaged further after the comparison: the apply compares again, so these rows come back too.
        await TestServer.ExecuteAsync(_database, "DELETE FROM t WHERE id BETWEEN 151 AND 160");
        var applied = await PollAsync(client, (await client.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId })).Headers.Location!.ToString());

        var result = restored.GetProperty("result");
        Assert.Equal("restore-tables", restored.GetProperty("kind").GetString());
        Assert.Equal("undo_api", result.GetProperty("restore").GetProperty("targetSchema").GetString());
        Assert.Equal(2000, result.GetProperty("restore").GetProperty("tables")[0].GetProperty("rows").GetInt64());
        var table = result.GetProperty("comparison").GetProperty("tables")[0];
        Assert.Equal(100, table.GetProperty("onlyInRestored").GetInt64());
        Assert.Equal(50, table.GetProperty("changed").GetInt64());
        Assert.Equal(0, table.GetProperty("onlyInLive").GetInt64());
        Assert.Contains("INSERT INTO", result.GetProperty("comparison").GetProperty("sql").GetString(), StringComparison.Ordinal);
        Assert.Equal(160, applied.GetProperty("result").GetProperty("written").GetProperty("public.t").GetInt64());
        Assert.Equal(before, await TestServer.ScalarAsync<string>(_database, TableHash));
    }

    [Fact]
    public async Task RestoreTables_Refusals_AreProblems_AndApplyTakesNoSqlAndOnlyTheServersOwnRestore()
    {
        var admin = Client(AdminKey);
        var reader = Client(ReaderKey);
        var full = await PollAsync(admin, (await admin.PostAsync("/api/v1/backup/full", null)).Headers.Location!.ToString());
        await TestServer.ExecuteAsync(_database, "CREATE SCHEMA taken");

        var readerRestore = await reader.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" } });
        var readerApply = await reader.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId = full.GetProperty("id").GetString() });
        var noTables = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = Array.Empty<string>() });
        var both = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" }, targetSchema = "a", targetDatabase = "b" });
        var unknown = await WaitForEndAsync(admin, (await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.nosuch" } })).Headers.Location!.ToString());
        var outside = await WaitForEndAsync(admin, (await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" }, at = "2001-01-01T00:00:00Z" })).Headers.Location!.ToString());
        var exists = await WaitForEndAsync(admin, (await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" }, targetSchema = "taken" })).Headers.Location!.ToString());
        var dryRun = await PollAsync(admin, (await admin.PostAsJsonAsync("/api/v1/backup/restore/tables", new { tables = new[] { "public.t" }, dryRun = true })).Headers.Location!.ToString());
        var withSql = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId = dryRun.GetProperty("id").GetString(), sql = "DROP TABLE t" });
        var notATableRestore = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId = full.GetProperty("id").GetString() });
        var aDryRun = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId = dryRun.GetProperty("id").GetString() });
        var noOperation = await admin.PostAsJsonAsync("/api/v1/backup/restore/tables/apply", new { operationId = "nope" });

        Assert.Equal(HttpStatusCode.Forbidden, readerRestore.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readerApply.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noTables.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("targetDatabase", await both.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((400, "Unknown table"), Problem(unknown));
        Assert.Equal(422, Problem(outside).Status);
        Assert.Contains("outside every recoverable window", outside.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(422, Problem(exists).Status);
        Assert.Contains("The schema 'taken' exists", exists.GetProperty("error").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(dryRun.GetProperty("result").GetProperty("restore").GetProperty("dryRun").GetBoolean());
        Assert.False(dryRun.GetProperty("result").TryGetProperty("comparison", out _));
        Assert.Equal(HttpStatusCode.BadRequest, withSql.StatusCode);
        var sqlProblem = await withSql.Content.ReadAsStringAsync();
        Assert.True(sqlProblem.Contains("sql", StringComparison.Ordinal), sqlProblem);
        Assert.Equal(HttpStatusCode.BadRequest, notATableRestore.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, aDryRun.StatusCode);
        Assert.Contains("operationId", await aDryRun.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, noOperation.StatusCode);
        Assert.Equal(2000L, await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM t"));
    }

    private static (int Status, string? Title) Problem(JsonElement operation)
    {
        Assert.Equal("failed", operation.GetProperty("status").GetString());
        var error = operation.GetProperty("error");
        return (error.GetProperty("status").GetInt32(), error.GetProperty("title").GetString());
    }
}
