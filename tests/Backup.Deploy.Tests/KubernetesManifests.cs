using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests;

/// <summary>
/// Kubernetes manifests read as plain YAML (every document of every file): the containers they run,
/// wherever a pod template sits (Deployment, CronJob, Job, ...), and the keys of their ConfigMaps and Secrets.
/// </summary>
internal sealed class KubernetesManifests
{
    private readonly List<ManifestContainer> containers = [];
    private readonly Dictionary<string, Dictionary<string, string>> environmentSources = [];
    private readonly List<string> objects = [];

    public IReadOnlyList<ManifestContainer> Containers => containers;

    /// <summary>Every object as <c>Kind/name</c>.</summary>
    public IReadOnlyList<string> Objects => objects;

    /// <summary>The manifests this repository ships (deploy/kubernetes).</summary>
    public static KubernetesManifests Shipped { get; } = Load(RepositoryPaths.KubernetesManifests);

    /// <summary>Every <c>*.yaml</c> below <paramref name="directory"/>.</summary>
    public static KubernetesManifests Load(string directory) =>
        Parse(Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(file => (Path.GetRelativePath(directory, file), File.ReadAllText(file))));

    public static KubernetesManifests Parse(IEnumerable<(string File, string Yaml)> files)
    {
        var manifests = new KubernetesManifests();
        foreach (var (file, yaml) in files)
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            foreach (var document in stream.Documents)
            {
                if (document.RootNode is YamlMappingNode root)
                {
                    manifests.Add(file, root);
                }
            }
        }
        return manifests;
    }

    /// <summary>The entries of the ConfigMap or Secret <paramref name="kind"/>/<paramref name="name"/> (a Secret's <c>data</c> decoded), or null when the manifests do not define it.</summary>
    public IReadOnlyDictionary<string, string>? EntriesOf(string kind, string name) =>
        environmentSources.TryGetValue($"{kind}/{name}", out var entries) ? entries : null;

    private void Add(string file, YamlMappingNode root)
    {
        var kind = Scalar(root, "kind") ?? "(no kind)";
        var name = Mapping(root, "metadata") is { } metadata ? Scalar(metadata, "name") ?? "(no name)" : "(no name)";
        objects.Add($"{kind}/{name}");
        if (kind is "ConfigMap" or "Secret")
        {
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var section in new[] { "data", "stringData" })
            {
                var base64 = kind == "Secret" && section == "data";
                foreach (var (key, value) in Mapping(root, section)?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
                {
                    var text = (value as YamlScalarNode)?.Value ?? "";
                    entries[(key as YamlScalarNode)?.Value ?? ""] = base64 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;
                }
            }
            environmentSources[$"{kind}/{name}"] = entries;
        }
        AddContainers($"{file}: {kind}/{name}", root);
    }

    // Pod templates sit at different depths (spec.template.spec, spec.jobTemplate.spec.template.spec):
    // every "containers" or "initContainers" list anywhere in the object counts.
    private void AddContainers(string location, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: "containers" or "initContainers" } && value is YamlSequenceNode list)
                    {
                        containers.AddRange(list.Children.OfType<YamlMappingNode>().Select(c => ReadContainer(location, c)));
                    }
                    else
                    {
                        AddContainers(location, value);
                    }
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    AddContainers(location, child);
                }
                break;
        }
    }

    private static ManifestContainer ReadContainer(string location, YamlMappingNode container)
    {
        var variables = new List<EnvironmentVariable>();
        var valueReferences = new List<EnvironmentKeyReference>();
        foreach (var variable in Items(container, "env"))
        {
            var variableName = Scalar(variable, "name") ?? "";
            variables.Add(new(variableName, Scalar(variable, "value")));
            if (Mapping(variable, "valueFrom") is { } valueFrom)
            {
                foreach (var (field, kind) in new[] { ("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret") })
                {
                    if (Mapping(valueFrom, field) is { } reference)
                    {
                        valueReferences.Add(new(variableName, kind, Scalar(reference, "name") ?? "", Scalar(reference, "key") ?? ""));
                    }
                }
            }
        }
        var sourceReferences = new List<EnvironmentSourceReference>();
        foreach (var source in Items(container, "envFrom"))
        {
            foreach (var (field, kind) in new[] { ("configMapRef", "ConfigMap"), ("secretRef", "Secret") })
            {
                if (Mapping(source, field) is { } reference)
                {
                    sourceReferences.Add(new(kind, Scalar(reference, "name") ?? "", Scalar(source, "prefix") ?? ""));
                }
            }
        }
        return new ManifestContainer(
            location,
            Scalar(container, "name") ?? "(no name)",
            container.Children.ContainsKey("command") ? Strings(container, "command") : null,
            Strings(container, "args"),
            variables,
            valueReferences,
            sourceReferences);
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlMappingNode? Mapping(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>()
            : [];

    private static List<string> Strings(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlSequenceNode list
            ? list.Children.Select(item => item is YamlScalarNode scalar ? scalar.Value ?? "" : item.ToString()).ToList()
            : [];
}
