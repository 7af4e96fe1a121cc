using System.Runtime.CompilerServices;
using Backup.Core.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Cli;

/// <summary>
/// A <c>--store</c> URI mapped to the store packages' builder extensions. Credentials never come
/// from the URI: they come from each SDK's usual environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
/// AZURE_STORAGE_CONNECTION_STRING or DefaultAzureCredential, GOOGLE_APPLICATION_CREDENTIALS).
/// </summary>
internal sealed record StoreLocation(string Scheme, string Root, string? Prefix)
{
    public const string AcceptedForms = """
        file:///path/to/dir            a local directory
        s3://bucket[/prefix]           Amazon S3 (with --s3-endpoint URL: an S3-compatible store, path-style)
        azure://account/container[/prefix]   Azure Blob Storage (AZURE_STORAGE_CONNECTION_STRING, if set, chooses the account)
        gs://bucket[/prefix]           Google Cloud Storage
        """;

    public const string AzureConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    public static StoreLocation Parse(string text)
    {
        // A bare path would parse as a file URI here; asking for the scheme keeps every form explicit.
        if (!text.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Malformed(text, "it is not a URI (a local folder is file:///path/to/dir)");
        }
        var path = Uri.UnescapeDataString(uri.AbsolutePath).Trim('/');
        var prefix = path.Length == 0 ? null : path;
        switch (uri.Scheme)
        {
            case "file":
                if (!string.IsNullOrEmpty(uri.Host) || uri.LocalPath.Length <= 1)
                {
                    throw Malformed(text, "a local store is file:///absolute/path (three slashes)");
                }
                return new("file", uri.LocalPath, null);
            case "s3" or "gs":
                if (string.IsNullOrEmpty(uri.Host))
                {
                    throw Malformed(text, "the bucket is missing");
                }
                return new(uri.Scheme, uri.Host, prefix);
            case "azure":
                var parts = path.Split('/', 2);
                if (string.IsNullOrEmpty(uri.Host) || parts[0].Length == 0)
                {
                    throw Malformed(text, "an Azure store is azure://account/container[/prefix]");
                }
                return new("azure", uri.Host, parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null) { Container = parts[0] };
            default:
                throw Malformed(text, $"the scheme '{uri.Scheme}' is not one of file, s3, azure, gs");
        }
    }

    /// <summary>The Azure container (only for <c>azure://</c>).</summary>
    public string? Container { get; private init; }

    public void Apply(BackupSystemBuilder builder, string? s3Endpoint)
    {
        if (s3Endpoint is not null && Scheme != "s3")
        {
            throw new CliUsageException("--s3-endpoint applies only to an s3:// store.");
        }
        // One method per store: the JIT then loads only the chosen store's SDK (Azure.Core, AWSSDK,
        // Google.Apis are large), which is start-up time of every command.
        switch (Scheme)
        {
            case "file":
                builder.UseLocalStorage(Root);
                break;
            case "s3":
                UseS3(builder, s3Endpoint);
                break;
            case "azure":
                UseAzure(builder);
                break;
            case "gs":
                UseGcs(builder);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseS3(BackupSystemBuilder builder, string? s3Endpoint) =>
        builder.UseS3Storage(o =>
        {
            o.BucketName = Root;
            o.Prefix = Prefix;
            o.Region ??= Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
            if (s3Endpoint is not null)
            {
                // S3-compatible servers (MinIO, s3rver, Ceph) want path-style addressing.
                o.ServiceUrl = s3Endpoint;
                o.ForcePathStyle = true;
            }
        });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseAzure(BackupSystemBuilder builder)
    {
        var connectionString = Environment.GetEnvironmentVariable(AzureConnectionStringVariable);
        builder.UseAzureBlobStorage(o =>
        {
            o.ContainerName = Container;
            o.Prefix = Prefix;
            if (connectionString is { Length: > 0 })
            {
                o.ConnectionString = connectionString;
            }
            else
            {
                o.ServiceUri = $"https://{Root}.blob.core.windows.net";
            }
        });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void UseGcs(BackupSystemBuilder builder) =>
        builder.UseGcsStorage(o =>
        {
            o.BucketName = Root;
            o.Prefix = Prefix;
        });

    private static CliUsageException Malformed(string text, string why) =>
        new($"--store '{text}' is not a store URI: {why}. Accepted forms:{Environment.NewLine}{AcceptedForms}");
}
