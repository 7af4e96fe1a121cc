using System.Net;
using System.Net.Http.Json;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>What the schedules page says about a failed run.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task FailedScheduleRun_ShowsFailed_NotTheRawError()
    {
        var admin = Client(AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "nightly", name = "Nightly", cronExpression = "0 2 * * *" })).StatusCode);
        // The run fails with the server's own words: the database's name, the host and port it was reached on.
        await TestServer.DropDatabaseAsync(_database);

        await SubmitAsync(admin, await PageAsync(admin, "/backup/schedules"), "schedule-run");
        var page = await PageAsync(admin, "/backup/schedules");
        for (var i = 0; i < 300 && !page.Contains(">failed<", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            page = await PageAsync(admin, "/backup/schedules");
        }

        Assert.Contains(">failed<", page, StringComparison.Ordinal);
        Assert.Contains("the error is in the server log", page, StringComparison.Ordinal);
        Assert.DoesNotContain(_database, page, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", page, StringComparison.Ordinal);
    }
}
