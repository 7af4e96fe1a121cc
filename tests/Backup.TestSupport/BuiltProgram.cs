namespace Backup.TestSupport;

/// <summary>Programs of this repository that tests run as child processes, built with the solution next to the tests' own output.</summary>
public static class BuiltProgram
{
    /// <summary>
    /// <paramref name="projectFolder"/>/bin/&lt;configuration&gt;/&lt;framework&gt;/<paramref name="assembly"/>, for the
    /// configuration and framework this test assembly was built for.
    /// </summary>
    public static string Path(string projectFolder, string assembly)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var repository = output;
        while (repository is not null && !File.Exists(System.IO.Path.Combine(repository.FullName, "Backup.Core.sln")))
        {
            repository = repository.Parent;
        }
        if (repository is null)
        {
            throw new InvalidOperationException($"No Backup.Core.sln above {output.FullName}.");
        }
        var path = System.IO.Path.Combine(repository.FullName, projectFolder, "bin", output.Parent!.Name, output.Name, assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution first (scripts/test.sh does).", path);
    }
}
