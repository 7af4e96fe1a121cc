using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Backup.AspNetCore.Tests.Hosting;

/// <summary>The OpenAPI document of the API (<c>AddOpenApi</c>) is complete enough to generate a client from.</summary>
public sealed class BackupOpenApiTests : IAsyncLifetime
{
    private const string Prefix = "/api/v1/backup";

    // POST routes that take no body: their input is the route and the query.
    private static readonly HashSet<string> WithoutBody = new(StringComparer.Ordinal) { "cleanupBackups", "enableSchedule", "disableSchedule", "runSchedule", "cancelOperation" };

    private readonly string _database = "it_openapi_" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestServer.CreateDatabaseAsync(_database);

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task EveryRoute_HasAUniqueOperationId_ATag_ProblemResponses_BodySchemas_AndResponseSchemasWithProperties()
    {
        await using var host = await OpenApiHost.StartAsync(_database);
        using var document = JsonDocument.Parse(await host.Client.GetStringAsync(OpenApiHost.DocumentPath));
        var root = document.RootElement;

        var operations = Operations(root).ToList();
        var failures = new List<string>();
        foreach (var (method, path, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            var id = operation.TryGetProperty("operationId", out var oid) ? oid.GetString() : null;
            if (string.IsNullOrEmpty(id))
            {
                failures.Add($"{name}: no operationId");
            }
            if (!operation.TryGetProperty("tags", out var tags) || tags.GetArrayLength() == 0)
            {
                failures.Add($"{name}: no tag");
            }
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "401", "403" })
            {
                if (!IsProblem(root, responses, status))
                {
                    failures.Add($"{name}: no problem response {status}");
                }
            }
            if (method is "post" or "put" && !WithoutBody.Contains(id ?? ""))
            {
                if (!operation.TryGetProperty("requestBody", out var body) || !body.GetProperty("content").TryGetProperty("application/json", out var json)
                    || !HasProperties(root, json.GetProperty("schema")))
                {
                    failures.Add($"{name}: no request body with a schema");
                }
            }
            foreach (var response in responses.EnumerateObject().Where(r => r.Name is "200" or "201" or "202"))
            {
                if (response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json))
                {
                    if (!HasProperties(root, json.GetProperty("schema")))
                    {
                        failures.Add($"{name}: {response.Name} has no schema with properties");
                    }
                }
                else if (!(content.ValueKind == JsonValueKind.Object && content.TryGetProperty("application/octet-stream", out _)))
                {
                    failures.Add($"{name}: {response.Name} has no JSON content");
                }
            }
        }
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).OfType<string>().ToList();

        Assert.True(operations.Count >= 26, $"only {operations.Count} operations under {Prefix}");
        Assert.Empty(failures);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(operations, o => o.Operation.GetProperty("responses").TryGetProperty("409", out _) && o.Path == Prefix + "/schedules" && o.Method == "post");
    }

    [Fact]
    public async Task AClientGeneratedFromTheDocument_Compiles_WithAMethodPerOperationId()
    {
        await using var host = await OpenApiHost.StartAsync(_database);
        var json = await host.Client.GetStringAsync(OpenApiHost.DocumentPath);
        var document = await OpenApiDocument.FromJsonAsync(json);
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "BackupApiClient",
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();

        var client = Compile(code).GetType("Generated.BackupApiClient", throwOnError: true)!;
        var methods = client.GetMethods().Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var ids = Operations(JsonDocument.Parse(json).RootElement).Select(o => o.Operation.GetProperty("operationId").GetString()!).ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(char.ToUpperInvariant(id[0]) + id[1..] + "Async", methods));
        var create = client.GetMethods().First(m => m.Name == "CreateScheduleAsync" && m.GetParameters().Length == 1);
        Assert.Equal("BackupSchedule", create.GetParameters()[0].ParameterType.Name);
        Assert.Equal("ScheduleResponse", create.ReturnType.GetGenericArguments()[0].Name);
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement root) =>
        from path in root.GetProperty("paths").EnumerateObject()
        where path.Name.StartsWith(Prefix, StringComparison.Ordinal)
        from method in path.Value.EnumerateObject()
        where method.Name is "get" or "post" or "put" or "delete" or "patch"
        select (method.Name, path.Name, method.Value);

    private static bool IsProblem(JsonElement root, JsonElement responses, string status) =>
        responses.TryGetProperty(status, out var response) && response.TryGetProperty("content", out var content)
        && content.TryGetProperty("application/problem+json", out var problem) && HasProperties(root, problem.GetProperty("schema"));

    private static bool HasProperties(JsonElement root, JsonElement schema)
    {
        var resolved = Resolve(root, schema);
        if (resolved.TryGetProperty("items", out var items))
        {
            resolved = Resolve(root, items);
        }
        return resolved.TryGetProperty("properties", out var properties) && properties.EnumerateObject().Any();
    }

    private static JsonElement Resolve(JsonElement root, JsonElement schema)
    {
        while (true)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                schema = root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
            }
            else if ((schema.TryGetProperty("oneOf", out var any) || schema.TryGetProperty("anyOf", out any) || schema.TryGetProperty("allOf", out any))
                && any.EnumerateArray().FirstOrDefault(s => !(s.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")) is { ValueKind: JsonValueKind.Object } first)
            {
                schema = first;
            }
            else
            {
                return schema;
            }
        }
    }

    private static Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("GeneratedClient", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        stream.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(stream);
    }
}
