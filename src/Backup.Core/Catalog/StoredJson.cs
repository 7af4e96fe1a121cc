using System.Text.Json;
using Backup.Core.Abstractions;

namespace Backup.Core.Catalog;

/// <summary>
/// Small JSON objects kept in the store beside the manifests (schedules and their run state, drill
/// records), written with the manifests' JSON settings.
/// </summary>
internal static class StoredJson
{
    /// <summary>The object at <paramref name="key"/>, or the default when there is none (never written, or deleted meanwhile).</summary>
    public static async Task<T?> ReadAsync<T>(IStorageProvider storage, string key, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await storage.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<T>(stream, ManifestJson.Options, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (BackupObjectNotFoundException)
        {
            return default;
        }
    }

    public static Task WriteAsync<T>(IStorageProvider storage, string key, T value, CancellationToken cancellationToken) =>
        storage.PutAsync(key, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, ManifestJson.Options)), cancellationToken);
}
