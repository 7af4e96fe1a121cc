using System.Net;
using System.Net.Http.Json;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>The forms: backup now, verify, restore and delete (each behind its confirmation), schedules.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task BackupNow_ThroughTheForm_StartsAnOperationThatCompletes_ThenTheBackupIsLatestAndListed()
    {
        var admin = Client(AdminKey);
        var overview = await PageAsync(admin, "/backup");

        var posted = await SubmitAsync(admin, overview, "backup-now");

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var location = posted.Headers.Location!.ToString();
        Assert.StartsWith("/backup/?operation=", location, StringComparison.Ordinal);
        var operationId = location[(location.IndexOf('=') + 1)..];
        var operation = await WaitForOperationAsync(admin, $"/api/v1/backup/operations/{operationId}");
        var id = operation.GetProperty("result").GetProperty("id").GetString()!;
        var after = await PageAsync(admin, location);
        var fragment = await PageAsync(admin, "/backup/fragments/running");
        var list = await PageAsync(admin, "/backup/backups");
        Assert.Contains($"data-backup-id=\"{id}\"", DashboardPage.Inner(after, "latest-backup"), StringComparison.Ordinal);
        Assert.Equal(operationId, DashboardPage.Attribute(DashboardPage.Tags(fragment, "recent-operation").Single(), "data-operation-id"));
        Assert.Equal(id, DashboardPage.Attribute(DashboardPage.Tags(list, "backup-row").Single(), "data-backup-id"));
    }

    [Fact]
    public async Task Verify_ThroughTheForm_ShowsItsResultOnTheDetails()
    {
        var id = await BackupAsync();
        var admin = Client(AdminKey);
        var details = await PageAsync(admin, $"/backup/backups/{id}");
        Assert.Equal(0, DashboardPage.Count(details, "verify-result"));

        var posted = await SubmitAsync(admin, details, "verify");

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        for (var i = 0; i < 300 && DashboardPage.Count(details, "verify-result") == 0; i++)
        {
            await Task.Delay(100);
            details = await PageAsync(admin, posted.Headers.Location!.ToString());
        }
        Assert.Equal("true", DashboardPage.Attribute(DashboardPage.Tags(details, "verify-result").Single(), "data-valid"));
    }

    [Fact]
    public async Task RestoreToANewDatabase_ConfirmedThroughItsPage_RestoresTheRows()
    {
        var id = await BackupAsync();
        var admin = Client(AdminKey);
        var details = await PageAsync(admin, $"/backup/backups/{id}");
        var (confirmPath, _) = DashboardPage.Form(details, "restore");

        var confirm = await PageAsync(admin, $"{confirmPath}?targetDatabase={_database}_r");
        var posted = await SubmitAsync(admin, confirm, "confirm");

        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var location = posted.Headers.Location!.ToString();
        await WaitForOperationAsync(admin, $"/api/v1/backup/operations/{location[(location.IndexOf('=') + 1)..]}");
        Assert.Equal(2000L, await TestServer.ScalarAsync<long>(_database + "_r", "SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task Delete_WithoutTheConfirmationField_OnlyRedirectsToTheConfirmPage_WithItDeletes()
    {
        var id = await BackupAsync();
        var admin = Client(AdminKey);
        var details = await PageAsync(admin, $"/backup/backups/{id}");
        // The verify form's token is valid for any form of this client: the POST below is refused for lack of confirmation, not of a token.
        var token = DashboardPage.Form(details, "verify").Fields;

        var unconfirmed = await admin.PostAsync($"/backup/backups/{id}/delete", new FormUrlEncodedContent(token));
        var stillThere = await admin.GetAsync($"/api/v1/backup/{id}");
        var confirm = await PageAsync(admin, unconfirmed.Headers.Location!.ToString());
        var confirmed = await SubmitAsync(admin, confirm, "confirm");

        Assert.Equal(HttpStatusCode.SeeOther, unconfirmed.StatusCode);
        Assert.Equal($"/backup/backups/{id}/delete/confirm", unconfirmed.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        Assert.Equal((HttpStatusCode.SeeOther, "/backup/backups"), (confirmed.StatusCode, confirmed.Headers.Location!.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/backup/{id}")).StatusCode);
    }

    [Fact]
    public async Task ScheduleForms_DisableThenEnable()
    {
        var admin = Client(AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "nightly", name = "Nightly", cronExpression = "0 2 * * *" })).StatusCode);

        var disabled = await SubmitAsync(admin, await PageAsync(admin, "/backup/schedules"), "schedule-disable");
        var afterDisable = await PageAsync(admin, "/backup/schedules");
        var enabled = await SubmitAsync(admin, afterDisable, "schedule-enable");
        var afterEnable = await PageAsync(admin, "/backup/schedules");

        Assert.Equal((HttpStatusCode.SeeOther, HttpStatusCode.SeeOther), (disabled.StatusCode, enabled.StatusCode));
        Assert.Equal("false", DashboardPage.Attribute(DashboardPage.Tags(afterDisable, "schedule-row").Single(), "data-enabled"));
        Assert.Equal("true", DashboardPage.Attribute(DashboardPage.Tags(afterEnable, "schedule-row").Single(), "data-enabled"));
    }
}
