using System.Net;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>Authorization like the API's, antiforgery on every form, and the destructive policy on delete.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task WithoutCredentials401_WithAKeyLackingTheRole403_NeitherShowsData()
    {
        var id = await BackupAsync("secret-ish comment");

        foreach (var (client, expected) in new[] { (Client(null), HttpStatusCode.Unauthorized), (Client(StrangerKey), HttpStatusCode.Forbidden) })
        {
            foreach (var path in new[] { "/backup", "/backup/backups", $"/backup/backups/{id}", "/backup/schedules", "/backup/retention", "/backup/drills", "/backup/fragments/running" })
            {
                var response = await client.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == expected, $"{path}: {response.StatusCode}");
                Assert.DoesNotContain(id, body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Post_WithoutAValidAntiforgeryToken_Is400_AndStartsNothing()
    {
        var admin = Client(AdminKey);
        var overview = await PageAsync(admin, "/backup");
        var (action, fields) = DashboardPage.Form(overview, "backup-now");
        var tokenField = Assert.Single(fields.Keys);

        var withoutToken = await admin.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>()));
        var forgedToken = await admin.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string> { [tokenField] = "forged" }));
        // The token without its cookie: what a cross-site page could send if it had read a token.
        var withoutCookie = await Client(AdminKey).PostAsync(action, new FormUrlEncodedContent(fields));
        await Task.Delay(500);

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forgedToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutCookie.StatusCode);
        Assert.Contains("data-test=\"error\"", await withoutToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, DashboardPage.Count(await PageAsync(admin, "/backup/fragments/running"), "running-operation"));
        Assert.Equal(0, DashboardPage.Count(await PageAsync(admin, "/backup/backups"), "backup-row"));
    }

    [Fact]
    public async Task Reader_SeesThePages_ButEveryFormAndConfirmPageIs403_AndNothingIsDeleted()
    {
        var id = await BackupAsync();
        var reader = Client(ReaderKey);
        var details = await PageAsync(reader, $"/backup/backups/{id}");
        var token = DashboardPage.Form(details, "verify").Fields;

        var deleteConfirm = await reader.GetAsync($"/backup/backups/{id}/delete/confirm");
        var restoreConfirm = await reader.GetAsync($"/backup/backups/{id}/restore/confirm?targetDatabase=x");
        var delete = await reader.PostAsync($"/backup/backups/{id}/delete", new FormUrlEncodedContent(new Dictionary<string, string>(token) { ["confirmed"] = "true" }));
        var backupNow = await reader.PostAsync("/backup/actions/backup-now", new FormUrlEncodedContent(token));
        var verify = await reader.PostAsync($"/backup/backups/{id}/verify", new FormUrlEncodedContent(token));

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { deleteConfirm.StatusCode, restoreConfirm.StatusCode, delete.StatusCode, backupNow.StatusCode, verify.StatusCode });
        Assert.Equal(HttpStatusCode.OK, (await Client(AdminKey).GetAsync($"/api/v1/backup/{id}")).StatusCode);
    }

    [Fact]
    public async Task UnknownBackup_IsA404Page_WithTheMessageEncoded()
    {
        var response = await Client(AdminKey).GetAsync("/backup/backups/20260101T000000000Z-00000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("data-test=\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
