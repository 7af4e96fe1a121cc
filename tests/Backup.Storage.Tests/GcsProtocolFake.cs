using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backup.Storage.Tests;

/// <summary>
/// A PROTOCOL FAKE of Google Cloud Storage's JSON API — not Google's server, and no emulator can be
/// installed here. It speaks what Google.Cloud.Storage.V1 uses: resumable uploads (a session,
/// chunks answered with 308 and a Range header, the object created only by the last chunk),
/// object metadata, media downloads with x-goog-hash, paged listing and delete. Objects live in
/// memory. What it proves is that the provider drives the real client correctly; what it cannot
/// prove is how Google's service itself behaves.
/// </summary>
public sealed class GcsProtocolFake : IAsyncDisposable
{
    private const int PageSize = 1000;
    private readonly ConcurrentDictionary<(string Bucket, string Name), Stored> _objects = new();
    private readonly ConcurrentDictionary<string, (string Bucket, string Name, MemoryStream Data)> _sessions = new();
    private readonly WebApplication _app;
    private long _generation;
    private int _failures;

    private GcsProtocolFake(WebApplication app) => _app = app;

    /// <summary>The base URI to give the client (<c>http://127.0.0.1:P/storage/v1/</c>).</summary>
    public string BaseUri { get; private set; } = "";

    public static async Task<GcsProtocolFake> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = null);
        var fake = new GcsProtocolFake(builder.Build());
        fake._app.Run(fake.HandleAsync);
        await fake._app.StartAsync();
        var address = fake._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUri = address.TrimEnd('/') + "/storage/v1/";
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Answers the next <paramref name="count"/> requests with 503, as an overloaded service would.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    private async Task HandleAsync(HttpContext context)
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            await WriteJsonAsync(context, new { error = new { code = 503, message = "Service unavailable (injected by the fake)." } }, 503);
            return;
        }
        // Object names arrive with '/' escaped as %2F: the raw target keeps them apart from path separators.
        var raw = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var path = raw.Split('?')[0];
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var query = context.Request.Query;
        switch (context.Request.Method, segments)
        {
            case ("POST", ["upload", "storage", "v1", "b", var bucket, "o"]) when query["uploadType"] == "resumable":
                await StartSessionAsync(context, bucket);
                break;
            case ("PUT", ["upload", "storage", "v1", "b", _, "o"]) when query["upload_id"].ToString() is { Length: > 0 } id:
                await ReceiveChunkAsync(context, id);
                break;
            case ("GET", ["storage", "v1", "b", var bucket, "o"]):
                await ListAsync(context, bucket, query["prefix"].ToString(), query["pageToken"].ToString());
                break;
            case ("GET", ["storage", "v1", "b", var bucket, "o", var name]) when query["alt"] == "media":
                await DownloadAsync(context, bucket, name);
                break;
            case ("GET", ["storage", "v1", "b", var bucket, "o", var name]):
                await MetadataAsync(context, bucket, name);
                break;
            case ("DELETE", ["storage", "v1", "b", var bucket, "o", var name]):
                if (_objects.TryRemove((bucket, name), out _))
                {
                    context.Response.StatusCode = 204;
                }
                else
                {
                    await NotFoundAsync(context);
                }
                break;
            default:
                context.Response.StatusCode = 501;
                await context.Response.WriteAsync($"the GCS protocol fake does not implement {context.Request.Method} {raw}");
                break;
        }
    }

    private async Task StartSessionAsync(HttpContext context, string bucket)
    {
        var metadata = await JsonSerializer.DeserializeAsync<JsonElement>(Body(context.Request));
        var name = context.Request.Query["name"].ToString() is { Length: > 0 } queried ? queried : metadata.GetProperty("name").GetString()!;
        var id = Guid.NewGuid().ToString("N");
        _sessions[id] = (bucket, name, new MemoryStream());
        context.Response.Headers.Location = $"{context.Request.Scheme}://{context.Request.Host}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}";
        context.Response.StatusCode = 200;
    }

    // "Content-Range: bytes A-B/*" (more to come), "bytes A-B/TOTAL" (last chunk) or "bytes */TOTAL" (end, nothing new).
    private async Task ReceiveChunkAsync(HttpContext context, string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            await NotFoundAsync(context);
            return;
        }
        var range = context.Request.Headers.ContentRange.ToString();
        await Body(context.Request).CopyToAsync(session.Data);
        var total = range.Split('/')[1];
        if (total == "*")
        {
            context.Response.StatusCode = 308;
            context.Response.Headers["Range"] = $"bytes=0-{session.Data.Length - 1}";
            return;
        }
        if (long.Parse(total, CultureInfo.InvariantCulture) != session.Data.Length)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("size mismatch");
            return;
        }
        _sessions.TryRemove(id, out _);
        var data = session.Data.ToArray();
        var stored = new Stored(data, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow, Md5(data), Crc32C(data));
        _objects[(session.Bucket, session.Name)] = stored;
        await WriteJsonAsync(context, Resource(session.Bucket, session.Name, stored));
    }

    private async Task ListAsync(HttpContext context, string bucket, string prefix, string pageToken)
    {
        var names = _objects.Keys.Where(k => k.Bucket == bucket && k.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Name).Order(StringComparer.Ordinal)
            .SkipWhile(n => pageToken.Length > 0 && string.CompareOrdinal(n, pageToken) < 0).ToList();
        var page = names.Take(PageSize).ToList();
        var items = page.Select(n => _objects.TryGetValue((bucket, n), out var o) ? Resource(bucket, n, o) : null).Where(o => o is not null).ToList();
        var body = new Dictionary<string, object?> { ["kind"] = "storage#objects", ["items"] = items };
        if (names.Count > PageSize)
        {
            body["nextPageToken"] = names[PageSize];
        }
        await WriteJsonAsync(context, body);
    }

    private async Task DownloadAsync(HttpContext context, string bucket, string name)
    {
        if (!_objects.TryGetValue((bucket, name), out var stored))
        {
            await NotFoundAsync(context);
            return;
        }
        context.Response.Headers["x-goog-hash"] = $"crc32c={stored.Crc32C},md5={stored.Md5}";
        context.Response.Headers["x-goog-generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentLength = stored.Data.Length;
        await context.Response.Body.WriteAsync(stored.Data);
    }

    private async Task MetadataAsync(HttpContext context, string bucket, string name)
    {
        if (_objects.TryGetValue((bucket, name), out var stored))
        {
            await WriteJsonAsync(context, Resource(bucket, name, stored));
        }
        else
        {
            await NotFoundAsync(context);
        }
    }

    private static Dictionary<string, object?> Resource(string bucket, string name, Stored stored) => new()
    {
        ["kind"] = "storage#object",
        ["bucket"] = bucket,
        ["name"] = name,
        ["generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture),
        ["size"] = stored.Data.Length.ToString(CultureInfo.InvariantCulture),
        ["md5Hash"] = stored.Md5,
        ["crc32c"] = stored.Crc32C,
        ["contentType"] = "application/octet-stream",
        ["updated"] = stored.Updated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
    };

    /// <summary>An object, with the checksums GCS reports, computed once when it is stored.</summary>
    private sealed record Stored(byte[] Data, long Generation, DateTimeOffset Updated, string Md5, string Crc32C);

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = 404;
        return WriteJsonAsync(context, new { error = new { code = 404, message = "No such object.", errors = new[] { new { message = "No such object.", domain = "global", reason = "notFound" } } } }, 404);
    }

    private static async Task WriteJsonAsync(HttpContext context, object body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, body);
    }

    private static Stream Body(HttpRequest request) =>
        request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.Ordinal) ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "GCS reports MD5 as a content checksum; the fake must too.")]
    private static string Md5(byte[] data) => Convert.ToBase64String(MD5.HashData(data));

    // CRC-32C (Castagnoli), big-endian, base64: how GCS reports it.
    private static string Crc32C(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc >> 1) ^ (0x82F63B78u & (uint)-(int)(crc & 1));
            }
        }
        crc ^= 0xFFFFFFFFu;
        return Convert.ToBase64String([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }
}
