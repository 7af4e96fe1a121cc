using Backup.Core.Catalog;
using Backup.Core.Operations;

namespace Backup.Core.Database;

/// <summary>The steps of a full backup's restore, said for a person (a dry run returns them).</summary>
internal static class RestorePlan
{
    /// <summary>The steps a restore of <paramref name="manifest"/> into <paramref name="target"/> takes.</summary>
    public static List<string> Steps(
        BackupManifest manifest, RestoreOptions options, string target, bool targetExists, TableRestorePlan? tables, IReadOnlyDictionary<string, long> expected)
    {
        var content = manifest.Content!;
        var plan = new List<string>();
        if (options.VerifyBeforeRestore)
        {
            plan.Add(manifest.Parts.Count == 0
                ? $"read and verify '{content.Key}' ({content.StoredBytes:N0} bytes) before restoring"
                : $"read and verify '{content.Key}' and its {manifest.Parts.Count} table data parts ({manifest.StoredBytes:N0} bytes) before restoring");
        }
        plan.Add(targetExists
            ? options.DropExisting ? $"drop the existing database '{target}'{(options.TerminateConnections ? ", ending its sessions" : "")} and create it again" : $"stop: the database '{target}' exists (set DropExisting to replace it)"
            : $"create the database '{target}'");
        plan.Add(RolesObject.PlanStep(manifest, options.CreateMissingRoles, options.NoOwner));
        var transform = $"{content.Compression}{(content.IsEncrypted ? $", {content.EncryptionAlgorithm} key '{content.EncryptionKeyId}'" : "")}";
        if (manifest.Parts.Count == 0)
        {
            plan.Add($"stream '{content.Key}' ({transform}) into pg_restore: {content.RawBytes:N0} bytes of {manifest.Database} taken {manifest.StartedAt:u}");
        }
        else
        {
            var parts = tables is null ? manifest.Parts : [.. manifest.Parts.Where(p => tables.TablesWithData.Contains(p.Table!, StringComparer.Ordinal))];
            plan.Add($"read '{content.Key}' ({transform}; {content.RawBytes:N0} bytes of {manifest.Database} taken {manifest.StartedAt:u}) and create the schema with pg_restore --section=pre-data");
            plan.Add($"load {parts.Count} table data part(s) ({parts.Sum(p => p.Content.RawBytes):N0} bytes) with COPY on parallel connections, beside pg_restore --section=data for the smaller tables, sequences and large objects");
            plan.Add("build indexes, constraints and triggers with pg_restore --section=post-data --jobs");
        }
        if (tables is not null)
        {
            plan.Add($"restore {tables.Tables.Count} tables: {string.Join(", ", tables.Tables)}");
            plan.AddRange(tables.BroughtIn.GroupBy(b => (b.Kind, b.Reason)).Select(g => $"bring in {g.Key.Kind} {string.Join(", ", g.Select(b => b.Name))}: {g.Key.Reason}"));
            plan.AddRange(tables.LeftOut.GroupBy(l => (l.Kind, l.Reason)).Select(g => $"leave out {g.Key.Kind} {string.Join(", ", g.Select(l => l.Name))}: {g.Key.Reason}"));
        }
        plan.Add($"compare the row counts of {expected.Count} tables ({expected.Values.Sum():N0} rows) with the manifest; any difference fails the restore and drops '{target}'");
        return plan;
    }
}
