namespace Backup.Storage.Gcs;

/// <summary>Options of the Google Cloud Storage store (section <c>Backup:Storage:Gcs</c>).</summary>
public sealed class GcsStorageOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Storage:Gcs";

    /// <summary>The bucket (required).</summary>
    public string? BucketName { get; set; }

    /// <summary>A prefix for every object name, e.g. <c>prod/db1</c>.</summary>
    public string? Prefix { get; set; }

    /// <summary>A service-account JSON key file; Application Default Credentials when null.</summary>
    public string? CredentialFile { get; set; }

    /// <summary>Bytes per resumable-upload chunk (default 8 MiB; a multiple of 256 KiB). Memory held: about one chunk.</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Another endpoint than Google's (an emulator or a test fake), e.g. <c>http://127.0.0.1:4443/storage/v1/</c>; requests are then unauthenticated.</summary>
    public string? BaseUri { get; set; }

    /// <summary>First wait before retrying a failed idempotent request (reads, lists, deletes); doubles up to <see cref="MaxRetryBackoff"/> (default 1 s).</summary>
    public TimeSpan InitialRetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries (default 30 s).</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override string ToString() => $"GcsStorageOptions(Bucket={BucketName}, Prefix={Prefix}, Credentials={(CredentialFile is null ? "application default" : "file")})";
}
