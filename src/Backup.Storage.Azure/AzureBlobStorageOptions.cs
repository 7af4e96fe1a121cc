namespace Backup.Storage.Azure;

/// <summary>Options of the Azure Blob store (section <c>Backup:Storage:Azure</c>). Give one of: a connection string, a SAS URI, or a service URI (with a TokenCredential, e.g. DefaultAzureCredential).</summary>
public sealed class AzureBlobStorageOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Backup:Storage:Azure";

    /// <summary>A storage account connection string. Never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A container URI with a SAS token (<c>https://acct.blob.core.windows.net/backups?sv=...</c>). Never logged.</summary>
    public string? ContainerSasUri { get; set; }

    /// <summary>The blob service URI for token authentication (<c>https://acct.blob.core.windows.net</c>); DefaultAzureCredential unless a credential is given in code.</summary>
    public string? ServiceUri { get; set; }

    /// <summary>The container (required unless <see cref="ContainerSasUri"/> names it).</summary>
    public string? ContainerName { get; set; }

    /// <summary>A prefix for every blob name, e.g. <c>prod/db1</c>.</summary>
    public string? Prefix { get; set; }

    /// <summary>Create the container when it does not exist (needs the right to).</summary>
    public bool CreateContainer { get; set; }

    /// <summary>Bytes per staged block (default 8 MiB, 1 MiB-2000 MiB).</summary>
    public int BlockSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Blocks staged at once (default 4). Memory held: about (this + 1) × <see cref="BlockSize"/>.</summary>
    public int ParallelBlocks { get; set; } = 4;

    /// <summary>The access tier of new blobs: <c>Hot</c>, <c>Cool</c>, <c>Cold</c> or <c>Archive</c>; the account's default when null.</summary>
    public string? AccessTier { get; set; }

    /// <summary>Retries of a failed request, with exponential backoff (default 5).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <inheritdoc />
    public override string ToString() =>
        $"AzureBlobStorageOptions(Container={ContainerName}, Prefix={Prefix}, Auth={(ConnectionString is not null ? "connection string" : ContainerSasUri is not null ? "SAS" : "token")})";
}
