namespace Backup.IntegrationTests.Ddl;

/// <summary>
/// What a source database held at one instant: the server clock after the last commit, its
/// application schema (<see cref="DatabaseComparison.ApplicationSchemaAsync"/>) and the content hash
/// of each table. Recorded while no transaction can commit, so recovery to <see cref="At"/> must
/// give exactly this.
/// </summary>
public sealed record SchemaMoment(string Label, DateTimeOffset At, string Schema, SortedDictionary<string, string> Hashes)
{
    /// <summary>Records <paramref name="database"/> now; call it while nothing else writes.</summary>
    public static async Task<SchemaMoment> RecordAsync(string database, string label)
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(await TestServer.ScalarAsync<DateTime>(database, "SELECT clock_timestamp()"), DateTimeKind.Utc));
        return new(label, at, await DatabaseComparison.ApplicationSchemaAsync(database), await HashesAsync(database));
    }

    /// <summary>Table content hashes, without sequences (a recovered one may be ahead) and without the library's own schema.</summary>
    public static async Task<SortedDictionary<string, string>> HashesAsync(string database) =>
        new((await DatabaseComparison.ContentHashesAsync(database))
            .Where(h => !h.Key.StartsWith("S ", StringComparison.Ordinal) && !h.Key.StartsWith("r backup_core.", StringComparison.Ordinal))
            .ToDictionary(), StringComparer.Ordinal);
}
