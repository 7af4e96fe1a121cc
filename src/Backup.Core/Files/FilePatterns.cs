using Microsoft.Extensions.FileSystemGlobbing;

namespace Backup.Core.Files;

/// <summary>
/// Include and exclude globs over paths relative to a source directory ('/'-separated), matched
/// by Microsoft.Extensions.FileSystemGlobbing with gitignore-like reading: a pattern matches at
/// any depth (<c>*.log</c>, <c>node_modules/**</c>) unless it starts with <c>/</c>, which anchors
/// it to the source directory; an excluded name also excludes a directory of that name and all
/// below it, which is then not even walked.
/// </summary>
internal sealed class FilePatterns
{
    private readonly Matcher _files = new(StringComparison.Ordinal);
    private readonly Matcher _directories = new(StringComparison.Ordinal);

    public FilePatterns(IReadOnlyList<string> include, IReadOnlyList<string> exclude)
    {
        IncludesEverything = include.Count == 0;
        foreach (var pattern in IncludesEverything ? ["**/*"] : include.Select(Normalize))
        {
            _files.AddInclude(pattern);
        }
        _directories.AddInclude("**/*");
        foreach (var pattern in exclude.Select(Normalize))
        {
            _files.AddExclude(pattern);
            _files.AddExclude(pattern + "/**");
            _directories.AddExclude(pattern + "/**");
        }
    }

    /// <summary>No include pattern was given: every file, and empty directories too.</summary>
    public bool IncludesEverything { get; }

    public bool IncludesFile(string relativePath) => _files.Match(relativePath).HasMatches;

    /// <summary>Whether the walk enters <paramref name="relativePath"/> (false when an exclude pattern covers it).</summary>
    public bool EntersDirectory(string relativePath) => _directories.Match(relativePath + "/\u0001").HasMatches;

    private static string Normalize(string pattern)
    {
        var trimmed = pattern.Trim().TrimEnd('/');
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("An empty file pattern matches nothing; remove it.", nameof(pattern));
        }
        return trimmed.StartsWith('/') ? trimmed.TrimStart('/') : trimmed.StartsWith("**/", StringComparison.Ordinal) ? trimmed : "**/" + trimmed;
    }
}
