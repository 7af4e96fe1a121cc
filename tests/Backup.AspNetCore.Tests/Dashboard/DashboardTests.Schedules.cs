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

        // Three failed runs in a row (FailuresBeforeUnhealthy) make the schedule unhealthy, and its problem quotes the last error.
        var page = await PageAsync(admin, "/backup/schedules");
        for (var run = 0; run < 3; run++)
        {
            await SubmitAsync(admin, page, "schedule-run");
            // A run on a dropped database fails at once; a run still going would refuse the next one.
            await Task.Delay(1000);
            page = await PageAsync(admin, "/backup/schedules");
        }
        for (var i = 0; i < 300 && !page.Contains("times in a row", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            page = await PageAsync(admin, "/backup/schedules");
        }

        Assert.Contains("failed 3 times in a row (the error is in the server log)", page, StringComparison.Ordinal);
        Assert.DoesNotContain(_database, page, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", page, StringComparison.Ordinal);
    }
}
