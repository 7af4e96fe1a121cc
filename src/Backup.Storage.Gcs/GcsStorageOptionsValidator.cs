using Backup.Core.Storage;

namespace Backup.Storage.Gcs;

/// <summary>Checks <see cref="GcsStorageOptions"/> at start and when a store is built; every message names its setting.</summary>
internal sealed class GcsStorageOptionsValidator : StoreOptionsValidator<GcsStorageOptions>
{
    private const int ChunkAlignment = 256 * 1024;

    protected override string SectionName => GcsStorageOptions.SectionName;

    protected override IEnumerable<string> Problems(GcsStorageOptions o)
    {
        const string at = GcsStorageOptions.SectionName;
        if (string.IsNullOrWhiteSpace(o.BucketName))
        {
            yield return $"{at}:BucketName is required.";
        }
        if (o.Prefix is { Length: > 0 } prefix && !StorageKey.IsValid(prefix.Trim('/')))
        {
            yield return $"{at}:Prefix '{prefix}' is not a valid key prefix.";
        }
        if (o.ChunkSize < ChunkAlignment || o.ChunkSize % ChunkAlignment != 0)
        {
            yield return $"{at}:ChunkSize must be a positive multiple of 256 KiB; it is {o.ChunkSize:N0}.";
        }
        if (o.CredentialFile is { } file && !File.Exists(file))
        {
            yield return $"{at}:CredentialFile '{file}' does not exist.";
        }
        if (o.BaseUri is { } uri && !Uri.TryCreate(uri, UriKind.Absolute, out _))
        {
            yield return $"{at}:BaseUri '{uri}' is not an absolute URI.";
        }
        if (o.InitialRetryBackoff < TimeSpan.Zero || o.MaxRetryBackoff < o.InitialRetryBackoff)
        {
            yield return $"{at}:InitialRetryBackoff must not be negative nor above MaxRetryBackoff.";
        }
    }
}
