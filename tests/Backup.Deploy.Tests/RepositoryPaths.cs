namespace Backup.Deploy.Tests;

/// <summary>The deployment files, found from the test's output folder up to the repository root.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string KubernetesManifests => Path.Combine(Root, "deploy", "kubernetes");

    public static string Dockerfile => Path.Combine(Root, "deploy", "Dockerfile");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Backup.Core.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Backup.Core.sln above {AppContext.BaseDirectory}: the tests run from a build inside the repository.");
    }
}
