namespace Backup.Core.Changes;

/// <summary>How a value travels in a change.</summary>
internal enum ColumnValueKind : byte
{
    /// <summary>SQL NULL (distinct from an empty string).</summary>
    Null = (byte)'n',

    /// <summary>A value in PostgreSQL's text format, which the server parses back exactly.</summary>
    Text = (byte)'t',

    /// <summary>A TOASTed value an UPDATE did not change: replay must leave the column as it is.</summary>
    UnchangedToast = (byte)'u',
}

/// <summary>One column's value in a row change.</summary>
/// <param name="Kind">Null, text, or unchanged TOAST.</param>
/// <param name="Text">The text-format value when <paramref name="Kind"/> is <see cref="ColumnValueKind.Text"/>.</param>
internal readonly record struct ColumnValue(ColumnValueKind Kind, string? Text)
{
    /// <summary>SQL NULL.</summary>
    public static ColumnValue Null => new(ColumnValueKind.Null, null);

    /// <summary>An unchanged TOASTed value.</summary>
    public static ColumnValue UnchangedToast => new(ColumnValueKind.UnchangedToast, null);

    /// <summary>A text-format value.</summary>
    public static ColumnValue Of(string text) => new(ColumnValueKind.Text, text);
}
