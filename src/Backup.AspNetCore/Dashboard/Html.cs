using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Backup.AspNetCore.Dashboard;

/// <summary>Markup that is already safe (built by <see cref="Html"/>): written as is, never encoded again.</summary>
internal readonly record struct RawHtml(string Value)
{
    public override string ToString() => Value;
}

/// <summary>
/// Builds HTML from interpolated strings in which every hole is encoded (a backup id, a table
/// name or an error message may hold markup), except a <see cref="RawHtml"/> made by this class.
/// Encoding is the default, not a call a page can forget.
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _text = new();

    public Html Append([InterpolatedStringHandlerArgument("")] ref Handler markup)
    {
        _ = markup;
        return this;
    }

    public Html Append(RawHtml markup)
    {
        _text.Append(markup.Value);
        return this;
    }

    public RawHtml ToHtml() => new(_text.ToString());

    /// <summary>One fragment: <c>Html.Of($"&lt;b&gt;{name}&lt;/b&gt;")</c>.</summary>
    public static RawHtml Of(ref Fragment markup) => markup.ToHtml();

    /// <summary>Joins fragments.</summary>
    public static RawHtml Join(IEnumerable<RawHtml> parts) => new(string.Concat(parts.Select(p => p.Value)));

    internal static void Write(StringBuilder text, object? value, string? format)
    {
        switch (value)
        {
            case null:
                return;
            case RawHtml raw:
                text.Append(raw.Value);
                return;
            case IFormattable formattable:
                text.Append(HtmlEncoder.Default.Encode(formattable.ToString(format, CultureInfo.InvariantCulture)));
                return;
            default:
                text.Append(HtmlEncoder.Default.Encode(value.ToString() ?? ""));
                return;
        }
    }

    /// <summary>Appends literals as they are and encodes every value.</summary>
    [InterpolatedStringHandler]
    public readonly ref struct Handler
    {
        private readonly StringBuilder _text;

        public Handler(int literalLength, int formattedCount, Html html)
        {
            _ = literalLength + formattedCount;
            _text = html._text;
        }

        public void AppendLiteral(string literal) => _text.Append(literal);

        public void AppendFormatted<T>(T value, string? format = null) => Write(_text, value, format);
    }

    /// <summary>The handler of <see cref="Of"/>.</summary>
    [InterpolatedStringHandler]
    public readonly ref struct Fragment
    {
        private readonly StringBuilder _text;

        public Fragment(int literalLength, int formattedCount) => _text = new StringBuilder(literalLength + (formattedCount * 16));

        public void AppendLiteral(string literal) => _text.Append(literal);

        public void AppendFormatted<T>(T value, string? format = null) => Write(_text, value, format);

        public RawHtml ToHtml() => new(_text.ToString());
    }
}
