namespace Backup.Deploy.Tests;

/// <summary>One container of a workload in the manifests, with what it runs and where its environment comes from.</summary>
/// <param name="Location">File and object, for messages: <c>cronjob.yaml: CronJob/backup-core-full</c>.</param>
/// <param name="Command">The container's <c>command</c> (replaces the image's ENTRYPOINT), or null.</param>
/// <param name="Args">The container's <c>args</c> (replace the image's CMD).</param>
/// <param name="Variables">Variables set one by one under <c>env</c>.</param>
/// <param name="ValueReferences"><c>env[].valueFrom</c> references to a ConfigMap or Secret key.</param>
/// <param name="SourceReferences"><c>envFrom</c> references to a whole ConfigMap or Secret.</param>
internal sealed record ManifestContainer(
    string Location,
    string Name,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string> Args,
    IReadOnlyList<EnvironmentVariable> Variables,
    IReadOnlyList<EnvironmentKeyReference> ValueReferences,
    IReadOnlyList<EnvironmentSourceReference> SourceReferences);

/// <summary>A whole ConfigMap or Secret as environment (<c>envFrom</c>), its keys optionally prefixed.</summary>
internal sealed record EnvironmentSourceReference(string Kind, string Name, string Prefix);

/// <summary>One variable taken from a ConfigMap or Secret key (<c>valueFrom</c>).</summary>
internal sealed record EnvironmentKeyReference(string Variable, string Kind, string Name, string Key);

/// <summary>One <c>env</c> entry: a literal value, or null when it comes from <c>valueFrom</c>.</summary>
internal sealed record EnvironmentVariable(string Name, string? Value);
