namespace Backup.Core.Postgres.Archive;

/// <summary>Writes a header and a TOC as pg_backup_archiver.c's WriteHead and WriteToc do.</summary>
internal static class CustomArchiveWriter
{
    public static async Task WriteHeaderAsync(ArchiveOutput output, ArchiveHeader header, CancellationToken ct)
    {
        await output.WriteAsync("PGDMP"u8.ToArray(), ct).ConfigureAwait(false);
        foreach (var b in new[] { header.Major, header.Minor, header.Revision, header.IntSize, header.OffSize, header.Format })
            await output.WriteByteAsync(b, ct).ConfigureAwait(false);
        if (header.Minor >= ArchiveFormat.MinorCompressionByte)
            await output.WriteByteAsync((byte)header.Compression, ct).ConfigureAwait(false);
        else
            await output.WriteIntAsync(header.Compression, ct).ConfigureAwait(false);
        foreach (var part in header.CreationTime)
            await output.WriteIntAsync(part, ct).ConfigureAwait(false);
        await output.WriteStringAsync(header.DatabaseName, ct).ConfigureAwait(false);
        await output.WriteStringAsync(header.ServerVersion, ct).ConfigureAwait(false);
        await output.WriteStringAsync(header.DumpVersion, ct).ConfigureAwait(false);
    }

    public static async Task WriteTocAsync(ArchiveOutput output, ArchiveHeader header, IReadOnlyList<ArchiveTocEntry> entries, CancellationToken ct)
    {
        await output.WriteIntAsync(entries.Count, ct).ConfigureAwait(false);
        foreach (var e in entries)
        {
            await output.WriteIntAsync(e.DumpId, ct).ConfigureAwait(false);
            await output.WriteIntAsync(e.HadDumper, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.TableOid, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Oid, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Tag, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Desc, ct).ConfigureAwait(false);
            await output.WriteIntAsync(e.Section, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Defn, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.DropStmt, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.CopyStmt, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Namespace, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Tablespace, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.TableAm, ct).ConfigureAwait(false);
            if (header.Minor >= ArchiveFormat.MinorRelKind)
                await output.WriteIntAsync(e.RelKind, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.Owner, ct).ConfigureAwait(false);
            await output.WriteStringAsync(e.WithOids, ct).ConfigureAwait(false);
            foreach (var dependency in e.Dependencies)
                await output.WriteStringAsync(dependency, ct).ConfigureAwait(false);
            await output.WriteStringAsync(null, ct).ConfigureAwait(false);
            await output.WriteOffsetAsync(e.OffsetState, e.Offset, ct).ConfigureAwait(false);
        }
    }
}
