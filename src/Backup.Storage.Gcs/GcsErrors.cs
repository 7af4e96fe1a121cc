using System.Net;
using Backup.Core.Abstractions;
using Google;

namespace Backup.Storage.Gcs;

/// <summary>Turns the client's errors (after its own retries) into <see cref="BackupStorageException"/>, saying whether trying later may help.</summary>
internal static class GcsErrors
{
    /// <summary>Whether <paramref name="error"/> came from the service or the network (not from the caller's source stream).</summary>
    public static bool IsStoreError(Exception error) => error is GoogleApiException or HttpRequestException or TimeoutException;

    public static bool IsNotFound(Exception error) => error is GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound };

    public static BackupStorageException Wrap(Exception error, string what)
    {
        var transient = error is not GoogleApiException api || (int)api.HttpStatusCode is 0 or 408 or 429 or >= 500;
        var detail = error is GoogleApiException e ? $"{(int)e.HttpStatusCode}: {e.Error?.Message ?? e.Message}" : error.Message;
        return new BackupStorageException($"Google Cloud Storage failed {what}: {detail}" + (transient ? " (transient: retrying later may succeed)" : ""), error, transient);
    }
}
