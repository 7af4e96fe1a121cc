using Backup.Cli;
using Backup.Cli.Entry;

namespace Backup.Deploy.Tests;

/// <summary>
/// The command line each container gives backup-core, parsed by the CLI's own parser: a misspelled
/// command or option in a manifest is found here, not by a CronJob failing at 2 a.m.
/// </summary>
internal static class CliCommandCheck
{
    /// <summary>The image's ENTRYPOINT (deploy/Dockerfile) and the tool's command name.</summary>
    public const string Executable = "backup-core";

    /// <summary>
    /// The arguments backup-core gets: <c>args</c> after the image's entrypoint, or, when a container
    /// sets <c>command</c> (which replaces the entrypoint), what follows backup-core in it and then <c>args</c>.
    /// Null when the container runs another program.
    /// </summary>
    public static string[]? ArgumentsOf(ManifestContainer container) => container.Command switch
    {
        null => [.. container.Args],
        [var program, ..] when Path.GetFileName(program) == Executable => [.. container.Command.Skip(1), .. container.Args],
        _ => null,
    };

    public static List<string> Problems(KubernetesManifests manifests)
    {
        var problems = new List<string>();
        foreach (var container in manifests.Containers)
        {
            var where = $"{container.Location}, container {container.Name}";
            if (ArgumentsOf(container) is not { } arguments)
            {
                problems.Add($"{where}: runs '{string.Join(' ', container.Command!)}', not {Executable}");
                continue;
            }
            if (arguments.Length == 0)
            {
                problems.Add($"{where}: gives no command, so the image's default (--help) runs");
                continue;
            }
            foreach (var error in BackupCli.CreateRootCommand().Parse(arguments).Errors)
            {
                problems.Add($"{where}: '{Executable} {string.Join(' ', arguments)}': {error.Message}");
            }
        }
        return problems;
    }
}
