using System.Net;
using System.Net.Http.Json;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>Restore tables: the form restores beside the live table and shows the comparison; copying back goes through its confirmation.</summary>
public sealed partial class DashboardTests
{
    private const string TableHash = "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM t";

    [Fact]
    public async Task RestoreTables_ThroughTheForm_ShowsTheCounts_CopyBackIsConfirmedFirst_AndPutsTheRowsBack()
    {
        await BackupAsync();
        var before = await TestServer.ScalarAsync<string>(_database, TableHash);
        await TestServer.ExecuteAsync(_database, "DELETE FROM t WHERE id <= 100; UPDATE t SET v = 'oops' WHERE id BETWEEN 101 AND 150");
        var admin = Client(AdminKey);
        var reader = Client(ReaderKey);

        var posted = await SubmitAsync(admin, await PageAsync(admin, "/backup/tables"), "restore-tables", new() { ["tables"] = "public.t", ["targetSchema"] = "undo_dash" });
        var location = posted.Headers.Location!.ToString();
        await WaitForOperationAsync(admin, $"/api/v1/backup/operations/{location[(location.IndexOf('=') + 1)..]}");
        var result = await PageAsync(admin, location);
        var row = DashboardPage.Tags(result, "comparison-row").Single();
        var (confirmPath, confirmFields) = DashboardPage.Form(result, "copy-back");
        var confirmUrl = $"{confirmPath}?operation={confirmFields["operation"]}";
        var readerConfirm = await reader.GetAsync(confirmUrl);
        var unconfirmed = await SubmitAsync(admin, await PageAsync(admin, confirmUrl), "confirm", new() { ["confirmed"] = "" });
        var untouched = await TestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM t");
        var confirmed = await SubmitAsync(admin, await PageAsync(admin, confirmUrl), "confirm");
        var applyLocation = confirmed.Headers.Location!.ToString();
        await WaitForOperationAsync(admin, $"/api/v1/backup/operations/{applyLocation[(applyLocation.IndexOf('=') + 1)..]}");
        var applied = await PageAsync(admin, applyLocation);

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.StartsWith("/backup/tables?operation=", location, StringComparison.Ordinal);
        Assert.Contains("undo_dash", DashboardPage.Inner(result, "table-restore-summary"), StringComparison.Ordinal);
        Assert.Equal(("100", "50", "0"), (DashboardPage.Attribute(row, "data-only-in-restored"), DashboardPage.Attribute(row, "data-changed"), DashboardPage.Attribute(row, "data-only-in-live")));
        Assert.Contains("INSERT INTO", DashboardPage.Inner(result, "copy-back-sql"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, readerConfirm.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, unconfirmed.StatusCode);
        Assert.Contains("/tables/apply/confirm", unconfirmed.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1900L, untouched);
        Assert.Equal("150", DashboardPage.Attribute(DashboardPage.Tags(applied, "written").Single(), "data-rows"));
        Assert.Equal(before, await TestServer.ScalarAsync<string>(_database, TableHash));
    }

    [Fact]
    public async Task RestoreTables_AHostileTableName_FailsAndTheErrorIsShownEncoded_AReaderCannotStartOne()
    {
        await BackupAsync();
        var admin = Client(AdminKey);
        var reader = Client(ReaderKey);
        var readerPage = await PageAsync(reader, "/backup/tables");

        var posted = await SubmitAsync(admin, await PageAsync(admin, "/backup/tables"), "restore-tables", new() { ["tables"] = "public." + Hostile.Replace(" ", "", StringComparison.Ordinal) });
        var readerPosted = await SubmitAsync(reader, readerPage, "restore-tables", new() { ["tables"] = "public.t" });
        var location = posted.Headers.Location!.ToString();
        var id = location[(location.IndexOf('=') + 1)..];
        for (var i = 0; i < 300 && (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/backup/operations/{id}")).GetProperty("status").GetString() == "running"; i++)
        {
            await Task.Delay(100);
        }
        var page = await PageAsync(admin, location);

        Assert.Equal(HttpStatusCode.Forbidden, readerPosted.StatusCode);
        Assert.Contains("Unknown table", DashboardPage.Inner(page, "table-restore-error"), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
    }
}
