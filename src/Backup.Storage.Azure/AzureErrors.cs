using Azure;
using Backup.Core.Abstractions;

namespace Backup.Storage.Azure;

/// <summary>Turns the SDK's errors (after its own retries) into <see cref="BackupStorageException"/>, saying whether trying later may help.</summary>
internal static class AzureErrors
{
    /// <summary>Whether <paramref name="error"/> came from the service or the network (not from the caller's source stream).</summary>
    public static bool IsStoreError(Exception error) =>
        error is RequestFailedException or HttpRequestException or TimeoutException
        || (error is AggregateException aggregate && aggregate.InnerExceptions.All(IsStoreError));

    public static BackupStorageException Wrap(Exception error, string what)
    {
        var transient = error switch
        {
            RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
            RequestFailedException => false,
            _ => true, // the network, or every retry failing on it
        };
        var detail = error is RequestFailedException failed ? $"{failed.Status} {failed.ErrorCode}: {failed.Message.Split('\n')[0]}" : error.Message;
        return new BackupStorageException($"Azure Blob Storage failed {what}: {detail}" + (transient ? " (transient: retrying later may succeed)" : ""), error, transient);
    }
}
