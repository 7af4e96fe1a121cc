namespace Backup.Core.Configuration;

/// <summary>The codec for new backups (section <c>Backup:Compression</c>).</summary>
public sealed class BackupCompressionOptions
{
    /// <summary><c>zstd</c> (default), <c>gzip</c>, <c>brotli</c> or <c>none</c>.</summary>
    public string Algorithm { get; set; } = "zstd";

    /// <summary>The codec's level; its default when null (zstd 1, gzip 1, brotli 1).</summary>
    public int? Level { get; set; }

    /// <summary>zstd worker threads besides the caller's; by default 2 on a machine with 2 or more cores, else 0.</summary>
    public int? Workers { get; set; }
}
