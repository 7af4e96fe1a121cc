using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests;

public class KustomizationTests
{
    [Fact]
    public void EveryListedResource_IsAFileBesideIt()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryPaths.KubernetesManifests, "kustomization.yaml"))));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var resources = ((YamlSequenceNode)root["resources"]).Children.Select(r => ((YamlScalarNode)r).Value!).ToList();

        Assert.NotEmpty(resources);
        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(RepositoryPaths.KubernetesManifests, r)), $"{r} is listed but missing"));
    }
}
