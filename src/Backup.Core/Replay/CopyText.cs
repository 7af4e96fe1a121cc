using System.Text;
using Backup.Core.Changes;

namespace Backup.Core.Replay;

/// <summary>Rows in COPY's text format: tab-separated, <c>\N</c> for NULL, backslash escapes.</summary>
internal static class CopyText
{
    public static void AppendValue(StringBuilder line, ColumnValue value)
    {
        if (value.Kind != ColumnValueKind.Text)
        {
            line.Append("\\N");
            return;
        }
        foreach (var ch in value.Text!)
        {
            _ = ch switch
            {
                '\\' => line.Append("\\\\"),
                '\t' => line.Append("\\t"),
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                _ => line.Append(ch),
            };
        }
    }

    public static void AppendRow(StringBuilder line, IReadOnlyList<ColumnValue> row)
    {
        for (var c = 0; c < row.Count; c++)
        {
            if (c > 0)
            {
                line.Append('\t');
            }
            AppendValue(line, row[c]);
        }
    }
}

/// <summary>A row for COPY: its values, then <paramref name="Suffix"/> (already in COPY's text format, starting with a tab) for extra columns.</summary>
internal readonly record struct CopyRow(IReadOnlyList<ColumnValue> Values, string? Suffix = null);
