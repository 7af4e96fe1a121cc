using System.Net;
using System.Net.Http.Json;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>Each page renders what a real backup, a schedule and a drill left in the catalog.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task EveryPage_RendersTheRealBackupScheduleAndDrill_ForAReader()
    {
        var id = await BackupAsync("nightly by hand");
        var admin = Client(AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "nightly", name = "Nightly", cronExpression = "0 2 * * *" })).StatusCode);
        var drill = await WaitForOperationAsync(admin, (await admin.PostAsync("/api/v1/backup/drills", null)).Headers.Location!.ToString());
        var reader = Client(ReaderKey);

        var overview = await PageAsync(reader, "/backup");
        var list = await PageAsync(reader, "/backup/backups?type=full&status=completed");
        var filteredOut = await PageAsync(reader, "/backup/backups?type=incremental");
        var details = await PageAsync(reader, $"/backup/backups/{id}");
        var schedules = await PageAsync(reader, "/backup/schedules");
        var retention = await PageAsync(reader, "/backup/retention");
        var drills = await PageAsync(reader, "/backup/drills");
        var css = await reader.GetAsync("/backup/assets/dashboard.css");

        Assert.Contains($"data-backup-id=\"{id}\"", DashboardPage.Inner(overview, "latest-backup"), StringComparison.Ordinal);
        Assert.Equal(id, DashboardPage.Attribute(DashboardPage.Tags(overview, "recovery-window").Single(), "data-chain-id"));
        Assert.Equal(1, DashboardPage.Count(overview, "running-operations"));
        Assert.Contains("<rect", DashboardPage.Inner(overview, "chart"), StringComparison.Ordinal);
        Assert.Equal(1, DashboardPage.Count(overview, "backup-now"));
        var row = DashboardPage.Tags(list, "backup-row").Single();
        Assert.Equal((id, "completed", "full"), (DashboardPage.Attribute(row, "data-backup-id"), DashboardPage.Attribute(row, "data-status"), DashboardPage.Attribute(row, "data-type")));
        Assert.Equal(1, DashboardPage.Count(list, "filters"));
        Assert.Equal(0, DashboardPage.Count(filteredOut, "backup-row"));
        Assert.Contains("&quot;public.t&quot;", details, StringComparison.Ordinal);
        Assert.Contains("nightly by hand", details, StringComparison.Ordinal);
        Assert.Equal(1, DashboardPage.Count(details, "manifest"));
        Assert.Equal(3, DashboardPage.Count(details, "verify") + DashboardPage.Count(details, "restore") + DashboardPage.Count(details, "delete"));
        Assert.Equal("nightly", DashboardPage.Attribute(DashboardPage.Tags(schedules, "schedule-row").Single(), "data-schedule-id"));
        Assert.Contains("0 2 * * *", schedules, StringComparison.Ordinal);
        Assert.Equal(1, DashboardPage.Count(retention, "retention-plan"));
        Assert.Equal(id, DashboardPage.Attribute(DashboardPage.Tags(retention, "retention-kept-row").Single(), "data-backup-id"));
        Assert.Equal(drill.GetProperty("result").GetProperty("id").GetString(), DashboardPage.Attribute(DashboardPage.Tags(drills, "drill-row").Single(), "data-drill-id"));
        Assert.Equal(1, DashboardPage.Count(drills, "rto"));
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("font", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileBackupDetails_ShowItsFiles()
    {
        await File.WriteAllTextAsync(Path.Combine(_fileRoot.Path, "a.txt"), "hello");
        var admin = Client(AdminKey);
        var accepted = await admin.PostAsJsonAsync("/api/v1/backup/files", new { name = "uploads", options = new { directories = new[] { _fileRoot.Path } } });
        var id = (await WaitForOperationAsync(admin, accepted.Headers.Location!.ToString())).GetProperty("result").GetProperty("id").GetString()!;

        var details = await PageAsync(Client(ReaderKey), $"/backup/backups/{id}");

        Assert.Equal(1, DashboardPage.Count(details, "files"));
        Assert.Contains("Files: uploads", details, StringComparison.Ordinal);
        Assert.Contains("1 files", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileComment_TableAndScheduleNames_AreEncoded_NeverMarkup()
    {
        await TestServer.ExecuteAsync(_database, $"CREATE TABLE \"{Hostile}\" (id int)");
        var id = await BackupAsync(Hostile);
        var admin = Client(AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "evil", name = Hostile, cronExpression = "0 2 * * *" })).StatusCode);

        var pages = new[]
        {
            await PageAsync(admin, "/backup/backups"),
            await PageAsync(admin, $"/backup/backups/{id}"),
            await PageAsync(admin, "/backup/schedules"),
        };

        foreach (var html in pages)
        {
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Details_ShowNoSecret_NeitherTheKeyNorTheDatabasePassword()
    {
        var id = await BackupAsync();

        // Decoded: the encoder writes '+' and '=' of a base64 key as entities, which a browser shows as the key.
        var details = WebUtility.HtmlDecode(await PageAsync(Client(AdminKey), $"/backup/backups/{id}"));

        Assert.Contains(id, details, StringComparison.Ordinal);
        Assert.DoesNotContain(_encryptionKey, details, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", details, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestServer.Password, details, StringComparison.Ordinal);
    }
}
