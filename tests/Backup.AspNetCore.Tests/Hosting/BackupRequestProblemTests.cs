using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>Refused requests answer problem details that name the field, in the API's words, never the runtime's.</summary>
public sealed class BackupRequestProblemTests : IAsyncLifetime
{
    private readonly string _database = "it_problems_" + Guid.NewGuid().ToString("N")[..8];
    private MinimalHost _host = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        _host = await MinimalHost.StartAsync(_database, b => b.Services.AddBackupSystem(), app => app.MapBackupEndpoints(o => o.AllowAnonymous = true));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await TestServer.DropDatabaseAsync(_database);
    }

    [Theory]
    [InlineData("GET", "/api/v1/backup/?limit=abc", "limit")]
    [InlineData("GET", "/api/v1/backup/?limit=-1", "limit")]
    [InlineData("GET", "/api/v1/backup/?limit=0", "limit")]
    [InlineData("GET", "/api/v1/backup/drills?limit=2.5", "limit")]
    [InlineData("GET", "/api/v1/backup/analytics/drills?since=yesterday", "since")]
    [InlineData("POST", "/api/v1/backup/cleanup?dryRun=maybe", "dryRun")]
    [InlineData("GET", "/api/v1/backup/20260101T000000000Z-00000000/download?unverified=1", "unverified")]
    public async Task ABadQueryValue_Is400ProblemDetails_NamingTheParameter(string method, string url, string field)
    {
        var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task AGoodLimit_IsServed()
    {
        var response = await _host.Client.GetAsync("/api/v1/backup/?limit=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/backup/full", "text/plain")]
    [InlineData("/api/v1/backup/files", "application/x-www-form-urlencoded")]
    [InlineData("/api/v1/backup/schedules", "text/plain")]
    public async Task ABodyThatIsNotJson_Is415ProblemDetails(string url, string contentType)
    {
        var response = await _host.Client.PostAsync(url, new StringContent("{}", Encoding.UTF8, contentType));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task ARequiredBodyMissing_Is400ProblemDetails()
    {
        var response = await _host.Client.PostAsync("/api/v1/backup/schedules", null);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("GET", "/api/v1/backup/?type=weekly", null)]
    [InlineData("GET", "/api/v1/backup/?status=maybe", null)]
    [InlineData("POST", "/api/v1/backup/schedules", """{"id":"a","name":"A","cronExpression":"0 2 * * *","type":"weekly"}""")]
    [InlineData("POST", "/api/v1/backup/schedules", """{"id":"a","name":"A","cronExpression":"0 2 * * *","enabled":"yes"}""")]
    [InlineData("POST", "/api/v1/backup/schedules", """{"id":"a","name":"A","cronExpression":"0 2 * * *","options":{"retentionDays":"x"}}""")]
    [InlineData("POST", "/api/v1/backup/full", """{"tables":"t"}""")]
    [InlineData("POST", "/api/v1/backup/restore/point-in-time", """{"target":"soon"}""")]
    [InlineData("POST", "/api/v1/backup/drills", """{"at":12}""")]
    public async Task AProblem_NamesNoDotNetType(string method, string url, string? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var text = (await AssertProblemAsync(await _host.Client.SendAsync(request), HttpStatusCode.BadRequest)).ToString();

        Assert.DoesNotMatch(@"System\.|Int32|Int64|Boolean|DateTimeOffset|BackupType|BackupStatus|BackupSchedule|Nullable|`1|Backup\.Core", text);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
