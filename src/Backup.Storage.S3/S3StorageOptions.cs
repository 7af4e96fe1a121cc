namespace Backup.Storage.S3;

/// <summary>Options of the S3 store (section <c>Backup:Storage:S3</c>).</summary>
public sealed class S3StorageOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Storage:S3";

    /// <summary>The bucket (required).</summary>
    public string? BucketName { get; set; }

    /// <summary>A prefix for every key, e.g. <c>prod/db1</c> (no leading or trailing '/').</summary>
    public string? Prefix { get; set; }

    /// <summary>The AWS region, e.g. <c>eu-west-1</c>; from the environment or profile when null.</summary>
    public string? Region { get; set; }

    /// <summary>An S3-compatible endpoint (MinIO, s3rver, Ceph...), e.g. <c>http://127.0.0.1:9000</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which most S3-compatible stores need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>An access key id; with <see cref="SecretAccessKey"/>, used instead of the SDK's default credential chain.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret for <see cref="AccessKeyId"/>. Never logged.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>Bytes per part of a multipart upload, and the largest object sent in one PUT (default 16 MiB, at least 5 MiB).</summary>
    public int PartSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Parts uploaded at once (default 4). Memory held: about (this + 1) × the current part size.</summary>
    public int ParallelParts { get; set; } = 4;

    /// <summary>
    /// The most parts the store accepts in one upload: 10,000 on AWS, 1,000 on some S3-compatible
    /// stores. The part size doubles every eighth of this many parts, so an object of any size fits.
    /// </summary>
    public int MaxPartCount { get; set; } = 10_000;

    /// <summary>Server-side encryption: null (the bucket's default), <c>AES256</c> (SSE-S3) or <c>aws:kms</c> (SSE-KMS).</summary>
    public string? ServerSideEncryption { get; set; }

    /// <summary>The KMS key for <c>aws:kms</c>; the account's default key when null.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>The storage class, e.g. <c>STANDARD_IA</c>, <c>GLACIER_IR</c>; the bucket's default when null.</summary>
    public string? StorageClass { get; set; }

    /// <summary>Retries of a failed request, with the SDK's standard backoff (default 5).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <inheritdoc />
    public override string ToString() =>
        $"S3StorageOptions(Bucket={BucketName}, Prefix={Prefix}, ServiceUrl={ServiceUrl}, Credentials={(AccessKeyId is null ? "default chain" : "explicit")})";
}
