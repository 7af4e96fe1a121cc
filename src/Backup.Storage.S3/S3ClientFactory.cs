using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Backup.Storage.S3;

/// <summary>Builds the SDK client from the options: endpoint, addressing, credentials, retries.</summary>
internal static class S3ClientFactory
{
    public static AmazonS3Client Create(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            MaxErrorRetry = options.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            // Checksums are Content-MD5 on each request (see the provider); the SDK's own trailers are
            // aws-chunked, which S3-compatible stores may not understand.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return options.AccessKeyId is { } id
            ? new AmazonS3Client(new BasicAWSCredentials(id, options.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }
}
