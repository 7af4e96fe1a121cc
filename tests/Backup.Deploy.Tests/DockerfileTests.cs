using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Backup.Deploy.Tests;

public class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(RepositoryPaths.Dockerfile);

    // The manifests give only args: they rely on the image running the CLI itself.
    [Fact]
    public void ImageEntrypoint_IsTheCli()
    {
        Assert.Equal([CliCommandCheck.Executable], Entrypoint());
    }

    // The image cannot be built on these machines, so what it installs is checked against the CLI's project instead.
    [Fact]
    public void ImageInstallsTheCliPackage_WhoseCommandIsTheEntrypoint()
    {
        var project = XDocument.Load(Path.Combine(RepositoryPaths.Root, "src", "Backup.Cli", "Backup.Cli.csproj"));
        string Property(string name) => project.Descendants(name).SingleOrDefault()?.Value ?? $"(no {name})";

        Assert.Matches(@"dotnet pack src/Backup\.Cli\b", Dockerfile);
        Assert.Equal(Property("PackageId"), Regex.Match(Dockerfile, @"dotnet tool install (\S+)").Groups[1].Value);
        Assert.Equal("true", Property("PackAsTool"));
        Assert.Equal([Property("ToolCommandName")], Entrypoint());
    }

    private static string[] Entrypoint()
    {
        var instruction = Dockerfile.Split('\n').Last(line => line.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        return JsonSerializer.Deserialize<string[]>(instruction["ENTRYPOINT ".Length..])!;
    }
}
