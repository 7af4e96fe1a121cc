using System.Net;
using Amazon.Runtime;
using Backup.Core.Abstractions;

namespace Backup.Storage.S3;

/// <summary>Turns the SDK's errors (after its own retries) into <see cref="BackupStorageException"/>, saying whether trying later may help.</summary>
internal static class S3Errors
{
    /// <summary>Whether <paramref name="error"/> came from the store or the network (not from the caller's source stream).</summary>
    public static bool IsStoreError(Exception error) => error is AmazonServiceException or AmazonClientException or HttpRequestException or TimeoutException;

    public static BackupStorageException Wrap(Exception error, string what)
    {
        var transient = error switch
        {
            AmazonServiceException service => service.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                || service.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError",
            _ => true, // the network: unreachable, reset, timed out
        };
        var detail = error is AmazonServiceException s ? $"{(int)s.StatusCode} {s.ErrorCode}: {s.Message}" : error.Message;
        return new BackupStorageException($"S3 failed {what}: {detail}" + (transient ? " (transient: retrying later may succeed)" : ""), error, transient);
    }
}
