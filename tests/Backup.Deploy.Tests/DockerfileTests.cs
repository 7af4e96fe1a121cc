using System.Text.Json;

namespace Backup.Deploy.Tests;

public class DockerfileTests
{
    // The manifests give only args: they rely on the image running the CLI itself.
    [Fact]
    public void ImageEntrypoint_IsTheCli()
    {
        var entrypoint = File.ReadLines(RepositoryPaths.Dockerfile)
            .Where(line => line.StartsWith("ENTRYPOINT ", StringComparison.OrdinalIgnoreCase))
            .Last();

        Assert.Equal(["backup-core"], JsonSerializer.Deserialize<string[]>(entrypoint["ENTRYPOINT ".Length..])!);
    }
}
