using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>A host as the README wires the API with an OpenAPI document: AddOpenApi, MapOpenApi, enums as the API writes them.</summary>
internal static class OpenApiHost
{
    public const string DocumentPath = "/openapi/v1.json";

    public static Task<MinimalHost> StartAsync(string database) => MinimalHost.StartAsync(database, b =>
    {
        b.Services.AddBackupSystem().AddBackupEndpoints();
        b.Services.AddAuthentication(HeaderRoleAuthentication.Name).AddScheme<AuthenticationSchemeOptions, HeaderRoleAuthentication>(HeaderRoleAuthentication.Name, null);
        b.Services.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireRole("admin"));
        // The document's schemas follow the host's JSON options; the API writes enums as camelCase words.
        b.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        b.Services.AddOpenApi();
    }, app =>
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapBackupEndpoints(o => o.AuthorizationPolicy = "admin");
    });
}
