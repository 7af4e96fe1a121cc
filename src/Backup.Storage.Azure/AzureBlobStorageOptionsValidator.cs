using Backup.Core.Storage;

namespace Backup.Storage.Azure;

/// <summary>Checks <see cref="AzureBlobStorageOptions"/> at start; every message names its setting and none shows a secret.</summary>
internal sealed class AzureBlobStorageOptionsValidator : StoreOptionsValidator<AzureBlobStorageOptions>
{
    protected override string SectionName => AzureBlobStorageOptions.SectionName;

    protected override IEnumerable<string> Problems(AzureBlobStorageOptions o)
    {
        const string at = AzureBlobStorageOptions.SectionName;
        var ways = new[] { o.ConnectionString, o.ContainerSasUri, o.ServiceUri }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (ways != 1)
        {
            yield return $"{at}: give exactly one of ConnectionString, ContainerSasUri or ServiceUri (with a token credential); {ways} are set.";
        }
        if (o.ContainerSasUri is null && string.IsNullOrWhiteSpace(o.ContainerName))
        {
            yield return $"{at}:ContainerName is required.";
        }
        if (o.ContainerSasUri is { } sas && !Uri.TryCreate(sas, UriKind.Absolute, out _))
        {
            yield return $"{at}:ContainerSasUri is not an absolute URI.";
        }
        if (o.ServiceUri is { } service && !Uri.TryCreate(service, UriKind.Absolute, out _))
        {
            yield return $"{at}:ServiceUri '{service}' is not an absolute URI.";
        }
        if (o.Prefix is { Length: > 0 } prefix && !StorageKey.IsValid(prefix.Trim('/')))
        {
            yield return $"{at}:Prefix '{prefix}' is not a valid key prefix.";
        }
        if (o.BlockSize is < 1024 * 1024 or > 2000 * 1024 * 1024)
        {
            yield return $"{at}:BlockSize must be 1 MiB to 2000 MiB; it is {o.BlockSize:N0}.";
        }
        if (o.ParallelBlocks is < 1 or > 64)
        {
            yield return $"{at}:ParallelBlocks must be 1-64; it is {o.ParallelBlocks}.";
        }
        if (o.AccessTier is { } tier && tier is not ("Hot" or "Cool" or "Cold" or "Archive"))
        {
            yield return $"{at}:AccessTier must be Hot, Cool, Cold or Archive; it is '{tier}'.";
        }
        if (o.MaxRetries is < 0 or > 20)
        {
            yield return $"{at}:MaxRetries must be 0-20; it is {o.MaxRetries}.";
        }
    }
}
