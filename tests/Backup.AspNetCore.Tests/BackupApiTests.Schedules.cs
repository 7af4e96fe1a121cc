using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Backup.AspNetCore.Tests;

/// <summary>A schedule's health through the API.</summary>
public sealed partial class BackupApiTests
{
    [Fact]
    public async Task FailingSchedule_ShowsFailingHealthAndFailedLastRun_NotTheRawError()
    {
        var client = Client(AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/backup/schedules", new { id = "nightly", name = "Nightly", cronExpression = "0 2 * * *" })).StatusCode);
        // The run fails with the server's own words: the database's name, the host and port it was reached on.
        await TestServer.DropDatabaseAsync(_database);

        // Three failed runs in a row (FailuresBeforeUnhealthy) make it failing.
        for (var run = 0; run < 3; run++)
        {
            var failed = await WaitForEndAsync(client, (await client.PostAsync("/api/v1/backup/schedules/nightly/run", null)).Headers.Location!.ToString());
            Assert.Equal("failed", failed.GetProperty("status").GetString());
        }
        var schedule = await client.GetFromJsonAsync<JsonElement>("/api/v1/backup/schedules/nightly");

        Assert.Equal("failing", schedule.GetProperty("health").GetString());
        Assert.Equal(("failed", 3), (schedule.GetProperty("lastRun").GetProperty("outcome").GetString(), schedule.GetProperty("lastRun").GetProperty("consecutiveFailures").GetInt32()));
        Assert.Equal("failed 3 times in a row (the error is in the server log)", schedule.GetProperty("problem").GetString());
        Assert.DoesNotContain(_database, schedule.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", schedule.ToString(), StringComparison.Ordinal);
    }
}
