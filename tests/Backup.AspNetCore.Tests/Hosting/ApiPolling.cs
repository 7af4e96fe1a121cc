using System.Net.Http.Json;
using System.Text.Json;

namespace Backup.AspNetCore.Tests.Hosting;

internal static class ApiPolling
{
    public static async Task<JsonElement> WaitForEndAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 600; i++)
        {
            var operation = await client.GetFromJsonAsync<JsonElement>(location);
            if (operation.GetProperty("status").GetString() != "running")
            {
                return operation;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("the operation did not finish");
    }
}
