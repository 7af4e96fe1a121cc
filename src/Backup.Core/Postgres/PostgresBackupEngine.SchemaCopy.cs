using Backup.Core.Engine;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>A schema copied between two databases of the server, for restores of chosen tables beside the live ones.</summary>
internal sealed partial class PostgresBackupEngine : ISchemaCopier
{
    /// <inheritdoc />
    public async Task CopySchemaAsync(string fromDatabase, string schema, string toDatabase, CancellationToken cancellationToken)
    {
        var tools = await FindToolsAsync(cancellationToken).ConfigureAwait(false);
        // pg_dump reads the scratch database, which nothing else writes; pg_restore creates the schema
        // and everything in it in one transaction, so a failure leaves no half-made schema behind.
        // --schema takes a pattern, which folds to lower case unless in double quotes (the names
        // allowed have no quote or wildcard in them); --strict-names fails rather than copy nothing.
        var dump = ToolProcess.Start(tools.PgDump, _connection.WithDatabase(fromDatabase), ["--format=custom", "--compress=0", "--strict-names", $"--schema=\"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\""]);
        await using (dump.ConfigureAwait(false))
        {
            var restore = ToolProcess.Start(tools.PgRestore, _connection.WithDatabase(toDatabase), ["--exit-on-error", "--single-transaction"], writesOutput: false, readsInput: true);
            await using (restore.ConfigureAwait(false))
            {
                await dump.StandardOutput.CopyToAsync(restore.StandardInput, cancellationToken).ConfigureAwait(false);
                restore.StandardInput.Close();
                await dump.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
                await restore.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken) =>
        _connection.WithDatabase(database).OpenAsync(cancellationToken, "Backup.Core table restore", pooled: false);
}
