using Backup.Core.Catalog;

namespace Backup.Cli.Commands;

/// <summary>How a manifest is shown: a summary for people, the manifest itself for <c>--json</c>.</summary>
internal static class ManifestOutput
{
    /// <summary>Shows a backup just written; a backup that ended as failed is exit code 1.</summary>
    public static int Written(CliConsole console, BackupManifest manifest)
    {
        Show(console, manifest);
        return manifest.Status == BackupStatus.Completed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    public static void Show(CliConsole console, BackupManifest manifest)
    {
        if (console.Json)
        {
            console.WriteJson(manifest);
            return;
        }
        console.Summary($"Backup {manifest.Id}", Rows(manifest));
    }

    public static string Size(long? bytes) => bytes is not { } b ? "" : b switch
    {
        < 1024 => $"{b} B",
        < 1024 * 1024 => $"{b / 1024.0:0.0} KB",
        < 1024L * 1024 * 1024 => $"{b / 1048576.0:0.0} MB",
        _ => $"{b / 1073741824.0:0.00} GB",
    };

    public static string Duration(TimeSpan? duration) => duration is { } d ? $"{d.TotalSeconds:0.0} s" : "";

    private static IEnumerable<(string, string)> Rows(BackupManifest m)
    {
        yield return ("type", m.Type.ToString().ToLowerInvariant());
        yield return ("status", m.Status.ToString().ToLowerInvariant());
        if (m.Database is { } database)
        {
            yield return ("database", database);
        }
        yield return ("started", m.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        yield return ("duration", Duration(m.Duration));
        if (m.Content is { } content)
        {
            yield return ("size", $"{Size(m.RawBytes)} raw, {Size(m.StoredBytes)} stored ({content.Compression}{(content.IsEncrypted ? $", {content.EncryptionAlgorithm} key {content.EncryptionKeyId}" : ", not encrypted")})");
        }
        if (m.Parts.Count > 0)
        {
            yield return ("parts", $"archive {Size(m.Content?.RawBytes)} + {m.Parts.Count} table data part(s) of {m.Parts.Select(p => p.Table).Distinct().Count()} table(s)");
        }
        if (m.ParentId is { } parent)
        {
            yield return ("parent", parent);
        }
        if (m.FirstCommitAt is { } first && m.LastCommitAt is { } last)
        {
            yield return ("commits", $"{first:u} .. {last:u} ({m.TransactionCount} transactions)");
        }
        if (m.TableRowCounts.Count > 0)
        {
            yield return ("tables", $"{m.TableRowCounts.Count} ({m.TableRowCounts.Values.Sum():N0} rows)");
        }
        if (m.FileBackupId is { } files)
        {
            yield return ("files backup", files);
        }
        if (m.Comment is { } comment)
        {
            yield return ("comment", comment);
        }
        if (m.Error is { } error)
        {
            yield return ("error", error);
        }
    }
}
