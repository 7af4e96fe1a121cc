using System.Net;
using System.Text.RegularExpressions;

namespace Backup.AspNetCore.Tests.Dashboard;

/// <summary>What a test reads from a dashboard page: elements by data-test, and a form's action and fields (the antiforgery token among them).</summary>
internal static partial class DashboardPage
{
    public static int Count(string html, string test) => Regex.Count(html, $"data-test=\"{Regex.Escape(test)}\"");

    /// <summary>The opening tags of the elements with that data-test.</summary>
    public static IReadOnlyList<string> Tags(string html, string test) =>
        [.. Regex.Matches(html, $"<[a-z0-9]+ [^>]*data-test=\"{Regex.Escape(test)}\"[^>]*>").Select(m => m.Value)];

    /// <summary>The content of the element with that data-test (up to its first closing tag of the same name: no nested same tags).</summary>
    public static string Inner(string html, string test)
    {
        var match = Regex.Match(html, $"<(?<tag>[a-z0-9]+) [^>]*data-test=\"{Regex.Escape(test)}\"[^>]*>(?<inner>.*?)</\\k<tag>>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no element {test} in the page");
        return match.Groups["inner"].Value;
    }

    public static string Attribute(string tag, string name) =>
        WebUtility.HtmlDecode(Regex.Match(tag, $"{Regex.Escape(name)}=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no {name} in {tag}"));

    /// <summary>The form with that data-test: where it posts, and its named inputs.</summary>
    public static (string Action, Dictionary<string, string> Fields) Form(string html, string test)
    {
        var form = Regex.Match(html, $"<form [^>]*data-test=\"{Regex.Escape(test)}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form {test} in the page");
        var tag = form.Value[..(form.Value.IndexOf('>') + 1)];
        var fields = InputPattern().Matches(form.Groups[1].Value)
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        return (Attribute(tag, "action"), fields);
    }

    [GeneratedRegex("<input [^>]*name=\"(?<name>[^\"]*)\"(?: value=\"(?<value>[^\"]*)\")?")]
    private static partial Regex InputPattern();
}
