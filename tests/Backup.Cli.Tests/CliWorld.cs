using Amazon.S3;

namespace Backup.Cli.Tests;

/// <summary>
/// What the end-to-end tests share: a source database on the test PostgreSQL, an empty bucket on
/// s3rver, a key file, and the environment an operator's shell would have (the database URL, the
/// S3 credentials). Each test runs backup-core in folders of its own.
/// </summary>
public sealed class CliWorld : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly List<string> _databases = [];

    public string Source { get; } = "cli_src_" + Guid.NewGuid().ToString("N")[..8];

    public string Bucket { get; } = "cli-" + Guid.NewGuid().ToString("N")[..12];

    public string KeyFile => Path.Combine(_root.Path, "backup.key");

    public static string S3Endpoint => System.Environment.GetEnvironmentVariable("BACKUP_TEST_S3_ENDPOINT") is { Length: > 0 } endpoint
        ? endpoint
        : throw new InvalidOperationException("BACKUP_TEST_S3_ENDPOINT is not set: the CLI tests need the s3rver that scripts/test.sh starts.");

    /// <summary>The store options an operator passes: the bucket under a prefix of its own, on s3rver.</summary>
    public string[] StoreArguments(string prefix) => ["--store", $"s3://{Bucket}/{prefix}", "--s3-endpoint", S3Endpoint];

    /// <summary>The environment of an operator's shell: the database (for a restore: the server to restore onto) and the S3 credentials.</summary>
    public Dictionary<string, string> OperatorEnvironment(string? database = null) => new()
    {
        ["DATABASE_URL"] = TestServer.Url(database ?? Source),
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>An empty working folder, as on another machine.</summary>
    public string NewFolder()
    {
        var folder = Path.Combine(_root.Path, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>A database name that is dropped when the tests end.</summary>
    public string NewDatabaseName(string purpose)
    {
        var name = $"{Source}_{purpose}";
        lock (_databases)
        {
            _databases.Add(name);
        }
        return name;
    }

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(KeyFile, Services.NewKey() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite); // as an operator keeps it
        }
        await TestServer.CreateDatabaseAsync(Source);
        await TestServer.ExecuteAsync(Source, """
            CREATE SCHEMA sales;
            CREATE TABLE sales.customers (id serial PRIMARY KEY, name text NOT NULL, since date, tags text[]);
            CREATE TABLE sales.orders (id bigserial PRIMARY KEY, customer_id int REFERENCES sales.customers, total numeric(12,2), note jsonb, placed_at timestamptz DEFAULT now());
            CREATE TABLE public.blobs (id int PRIMARY KEY, data bytea);
            INSERT INTO sales.customers (name, since, tags) SELECT 'customer ' || g, date '2020-01-01' + g, ARRAY['t' || (g % 7)] FROM generate_series(1, 2000) g;
            INSERT INTO sales.orders (customer_id, total, note) SELECT 1 + g % 2000, g * 1.25, jsonb_build_object('n', g) FROM generate_series(1, 20000) g;
            INSERT INTO public.blobs SELECT g, decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
            """);
        using var s3 = new AmazonS3Client("S3RVER", "S3RVER", new AmazonS3Config { ServiceURL = S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await s3.PutBucketAsync(Bucket);
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(Source, _databases);
        Dispose();
    }

    public void Dispose() => _root.Dispose();
}
