using Backup.Core.Engine;

namespace Backup.Core.Postgres;

/// <summary>
/// The restore of a full backup taken in parts, section by section: pg_restore creates the schema
/// (pre-data); the parts are loaded on N connections while pg_restore loads what its archive holds
/// of the data section (smaller tables, sequence values, large objects); then pg_restore builds
/// indexes, constraints and triggers with <c>-j N</c>. pg_restore reads the archive from a private
/// temporary file, because <c>-j</c> needs a file, and three passes would otherwise read the store three times.
/// </summary>
internal static class SectionedRestore
{
    private const int BufferSize = 1 << 20;

    /// <summary>Restores <paramref name="archive"/> and <paramref name="parts"/> into <paramref name="target"/>, created empty.</summary>
    /// <param name="tools">pg_restore.</param>
    /// <param name="target">The new database.</param>
    /// <param name="arguments">pg_restore's arguments for every section (ownership, the table list).</param>
    /// <param name="archive">pg_dump's archive, read to its end once.</param>
    /// <param name="parts">The table data parts to load.</param>
    /// <param name="jobs">Connections for the parts, and pg_restore's jobs for the index builds.</param>
    /// <param name="maintenanceWorkMemMegabytes">For the index builds; 0 keeps the server's setting.</param>
    /// <param name="cancellationToken">Cancels the restore (the caller drops the target).</param>
    public static async Task RunAsync(
        PostgresTools tools, PostgresConnectionInfo target, IReadOnlyList<string> arguments, Stream archive, IReadOnlyList<DataPartSource> parts, int jobs, int maintenanceWorkMemMegabytes, CancellationToken cancellationToken)
    {
        // A restore that fails is dropped whole, so its commits need not wait for the disk: with
        // thousands of tables, one fsync per CREATE is most of the schema's time.
        const string NoCommitWait = "-c synchronous_commit=off";
        var buildSettings = maintenanceWorkMemMegabytes > 0 ? $"{NoCommitWait} -c maintenance_work_mem={maintenanceWorkMemMegabytes}MB" : NoCommitWait;
        var file = Path.Combine(Path.GetTempPath(), $"backup-core-{Guid.NewGuid():N}.dump");
        try
        {
            // Owner-only: the archive is in the clear here (schema, small tables, large objects).
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = BufferSize, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            var output = new FileStream(file, options);
            await using (output.ConfigureAwait(false))
            {
                // To the end of the stream: the pipeline checks the archive's hashes there, before pg_restore sees a byte of it.
                await archive.CopyToAsync(output, BufferSize, cancellationToken).ConfigureAwait(false);
            }
            await RunAsync(tools, target, [.. arguments, "--section=pre-data", file], NoCommitWait, cancellationToken).ConfigureAwait(false);

            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Siblings.WhenAllAsync(
                    stop,
                    TableDataLoad.RunAsync(target, parts, jobs, stop.Token),
                    RunAsync(tools, target, [.. arguments, "--section=data", file], NoCommitWait, stop.Token)).ConfigureAwait(false);
            }
            await RunAsync(tools, target, [.. arguments, "--section=post-data", $"--jobs={jobs}", file], buildSettings, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task RunAsync(PostgresTools tools, PostgresConnectionInfo target, IReadOnlyList<string> arguments, string sessionSettings, CancellationToken cancellationToken)
    {
        var restore = ToolProcess.Start(tools.PgRestore, target, arguments, writesOutput: false, readsInput: false, sessionSettings);
        await using (restore.ConfigureAwait(false))
        {
            await restore.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
