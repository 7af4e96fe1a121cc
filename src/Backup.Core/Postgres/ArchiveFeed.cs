namespace Backup.Core.Postgres;

/// <summary>Feeding an archive into pg_restore's stdin, whole or until the tool has what it needs.</summary>
internal static class ArchiveFeed
{
    private const int BufferSize = 1 << 20;

    // Runs pg_restore in a mode that prints text (--list, --schema-only) over a fresh read of the archive.
    public static async Task<string> RunOverArchiveAsync(PostgresTools tools, string[] arguments, Func<CancellationToken, Task<Stream>> openSource, CancellationToken cancellationToken)
    {
        var source = await openSource(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var tool = ToolProcess.StartOffline(tools.PgRestore, arguments);
            await using (tool.ConfigureAwait(false))
            {
                using var reader = new StreamReader(tool.StandardOutput);
                var text = reader.ReadToEndAsync(cancellationToken);
                await FeedAsync(tool, source, wholeArchive: false, cancellationToken).ConfigureAwait(false);
                return await text.ConfigureAwait(false);
            }
        }
    }

    // Copies the archive into the tool's stdin. A tool may stop reading early: --list and
    // --schema-only need only the table of contents, and pg_restore leaves out data it was told to
    // skip. With wholeArchive the source is still read to its end, because the pipeline's hash
    // checks run there and a restore must not succeed on bytes that fail them; reading stops early
    // only when the tool has failed, whose own error is then the one reported.
    public static async Task FeedAsync(ToolProcess tool, Stream source, bool wholeArchive, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var stdin = tool.StandardInput;
        var toolStopped = false;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (!toolStopped)
            {
                try
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    toolStopped = true; // broken pipe: the tool closed its stdin
                }
            }
            if (toolStopped && (!wholeArchive || tool.HasFailed))
            {
                break;
            }
        }
        try
        {
            await stdin.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The tool had already closed its stdin; its exit code, checked next, says whether that was a failure.
        }
        await tool.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
    }
}
