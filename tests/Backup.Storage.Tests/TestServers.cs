namespace Backup.Storage.Tests;

/// <summary>The storage servers scripts/test.sh starts; a missing one fails the tests (they never skip).</summary>
internal static class TestServers
{
    public static string S3Endpoint => Required("BACKUP_TEST_S3_ENDPOINT");

    public static string AzureBlobEndpoint => Required("BACKUP_TEST_AZURE_BLOB_ENDPOINT");

    /// <summary>A lower-case name unique to one test, valid as a bucket or container name.</summary>
    public static string UniqueName(string kind) => $"{kind}-{Guid.NewGuid():N}"[..30];

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the storage tests need the servers that scripts/test.sh starts (Azurite, s3rver). Run scripts/test.sh.");
}
