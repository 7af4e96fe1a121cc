using System.Reflection;
using Backup.Cli;
using Backup.Cli.Entry;
using Backup.Core.Configuration;

namespace Backup.Deploy.Tests;

/// <summary>
/// What a container's environment would be, and why it is wrong: a variable backup-core does not read
/// (a typo such as BACKUP_RETENTION_DAY is silently ignored at run time), or a ConfigMap, Secret or key
/// the manifests do not define (the pod would not start).
/// </summary>
internal static class EnvironmentCheck
{
    // Before KnownVariables: static fields are initialised in the order they are written.
    private static readonly string[] CloudSdkVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE",
        "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ];

    /// <summary>
    /// The variables backup-core reads: the library's (<see cref="BackupEnvironmentVariables"/>), the CLI's
    /// own (its <c>...Variable</c> constants, such as BACKUP_STORE), and the cloud SDKs' credentials and regions.
    /// </summary>
    public static IReadOnlySet<string> KnownVariables { get; } =
        StringConstants([typeof(BackupEnvironmentVariables)], _ => true)
            .Concat(StringConstants(typeof(BackupCli).Assembly.GetTypes(), name => name.EndsWith("Variable", StringComparison.Ordinal)))
            .Concat(CloudSdkVariables)
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> StringConstants(IEnumerable<Type> types, Func<string, bool> nameMatches) =>
        types.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && nameMatches(f.Name))
            .Select(f => (string)f.GetRawConstantValue()!);

    public static List<string> Problems(KubernetesManifests manifests)
    {
        var problems = new List<string>();
        foreach (var container in manifests.Containers)
        {
            var where = $"{container.Location}, container {container.Name}";
            foreach (var variable in container.Variables.Select(v => v.Name).Where(v => !KnownVariables.Contains(v)))
            {
                problems.Add($"{where}: env sets {variable}, which backup-core does not read");
            }
            foreach (var reference in container.ValueReferences)
            {
                var entries = manifests.EntriesOf(reference.Kind, reference.Name);
                if (entries is null || !entries.ContainsKey(reference.Key))
                {
                    problems.Add($"{where}: {reference.Variable} comes from key '{reference.Key}' of {reference.Kind}/{reference.Name}, which the manifests do not define");
                }
            }
            foreach (var source in container.SourceReferences)
            {
                if (manifests.EntriesOf(source.Kind, source.Name) is not { } entries)
                {
                    problems.Add($"{where}: envFrom {source.Kind}/{source.Name}, which the manifests do not define");
                    continue;
                }
                foreach (var variable in entries.Keys.Select(k => source.Prefix + k).Where(v => !KnownVariables.Contains(v)))
                {
                    problems.Add($"{where}: {source.Kind}/{source.Name} sets {variable}, which backup-core does not read");
                }
            }
        }
        return problems;
    }

    /// <summary>The variables a container gets from the manifests, with their values.</summary>
    public static Dictionary<string, string> EnvironmentOf(KubernetesManifests manifests, ManifestContainer container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        // Kubernetes applies envFrom first, then env (which wins).
        foreach (var source in container.SourceReferences)
        {
            foreach (var (key, value) in manifests.EntriesOf(source.Kind, source.Name) ?? new Dictionary<string, string>())
            {
                environment[source.Prefix + key] = value;
            }
        }
        foreach (var variable in container.Variables)
        {
            var reference = container.ValueReferences.FirstOrDefault(r => r.Variable == variable.Name);
            var value = reference is null ? variable.Value : manifests.EntriesOf(reference.Kind, reference.Name)?.GetValueOrDefault(reference.Key);
            if (value is not null)
            {
                environment[variable.Name] = value;
            }
        }
        return environment;
    }
}
