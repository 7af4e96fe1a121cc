using Backup.Core.Storage;

namespace Backup.Storage.S3;

/// <summary>Checks <see cref="S3StorageOptions"/> at start; every message names its setting.</summary>
internal sealed class S3StorageOptionsValidator : StoreOptionsValidator<S3StorageOptions>
{
    protected override string SectionName => S3StorageOptions.SectionName;

    protected override IEnumerable<string> Problems(S3StorageOptions o)
    {
        const string at = S3StorageOptions.SectionName;
        if (string.IsNullOrWhiteSpace(o.BucketName))
        {
            yield return $"{at}:BucketName is required.";
        }
        if (o.Prefix is { Length: > 0 } prefix && !StorageKey.IsValid(prefix.Trim('/')))
        {
            yield return $"{at}:Prefix '{prefix}' is not a valid key prefix.";
        }
        if (o.PartSize < S3PartPlan.MinPartSize)
        {
            yield return $"{at}:PartSize must be at least 5 MiB (S3's smallest part); it is {o.PartSize:N0}.";
        }
        if (o.ParallelParts is < 1 or > 64)
        {
            yield return $"{at}:ParallelParts must be 1-64; it is {o.ParallelParts}.";
        }
        if (o.MaxPartCount is < 2 or > 10_000)
        {
            yield return $"{at}:MaxPartCount must be 2-10000; it is {o.MaxPartCount}.";
        }
        if (o.ServerSideEncryption is { } sse && sse is not ("AES256" or "aws:kms"))
        {
            yield return $"{at}:ServerSideEncryption must be AES256 or aws:kms; it is '{sse}'.";
        }
        if (o.KmsKeyId is not null && o.ServerSideEncryption is not "aws:kms")
        {
            yield return $"{at}:KmsKeyId is set but ServerSideEncryption is not aws:kms.";
        }
        if ((o.AccessKeyId is null) != (o.SecretAccessKey is null))
        {
            yield return $"{at}:AccessKeyId and SecretAccessKey go together; set both or neither (the default credential chain).";
        }
        if (o.ServiceUrl is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            yield return $"{at}:ServiceUrl '{url}' is not an absolute URL.";
        }
        if (o.MaxRetries is < 0 or > 20)
        {
            yield return $"{at}:MaxRetries must be 0-20; it is {o.MaxRetries}.";
        }
    }
}
