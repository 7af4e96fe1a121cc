using System.CommandLine;

namespace Backup.Cli;

/// <summary>The options every command takes (recursive on the root command): where the store is, the configuration, the key, the output form.</summary>
internal sealed class CliOptions
{
    public const string StoreVariable = "BACKUP_STORE";

    public Option<string?> Store { get; } = new("--store")
    {
        Description = $"Where backups are kept: file:///dir, s3://bucket/prefix, azure://account/container/prefix, gs://bucket/prefix. Default: ${StoreVariable}, else the local store at BACKUP_DIR (./backups).",
        HelpName = "URI",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StoreVariable) is { Length: > 0 } store ? store : null,
    };

    public Option<string?> S3Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "Endpoint of an S3-compatible store (MinIO, Ceph, s3rver), addressed path-style. Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<FileInfo?> Config { get; } = new("--config")
    {
        Description = "An appsettings.json whose Backup section configures the library (it wins over the environment variables).",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<FileInfo?> KeyFile { get; } = new("--key-file")
    {
        Description = "A file holding the encryption key (read and trimmed); wins over BACKUP_ENCRYPTION_KEY. A key is never accepted as an argument: it would show in ps and in shell history.",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON document on stdout (logs and progress go to stderr).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show the library's logs on stderr (debug and up) and the full error of a failure.",
        Recursive = true,
    };

    // Not an option: there only to refuse, with the reason, a key typed on the command line.
    public Option<string?> RefusedKey { get; } = new("--key") { Hidden = true, Recursive = true };

    public CliOptions()
    {
        RefusedKey.Validators.Add(result => result.AddError(
            "There is no --key option: a key on the command line shows in ps and in shell history. Put it in a file and pass --key-file FILE, or set BACKUP_ENCRYPTION_KEY."));
    }

    public void AddTo(RootCommand root)
    {
        foreach (var option in new Option[] { Store, S3Endpoint, Config, KeyFile, Json, Verbose, RefusedKey })
        {
            root.Options.Add(option);
        }
    }
}
