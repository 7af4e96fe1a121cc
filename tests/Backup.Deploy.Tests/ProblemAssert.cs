namespace Backup.Deploy.Tests;

internal static class ProblemAssert
{
    /// <summary>Passes on no problems; otherwise fails listing every one in full (Assert.Empty would cut them short).</summary>
    public static void None(IReadOnlyCollection<string> problems) =>
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
}
