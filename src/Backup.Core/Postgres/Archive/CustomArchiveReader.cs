using System.Text;
using Backup.Core.Abstractions;

namespace Backup.Core.Postgres.Archive;

/// <summary>
/// Reads the header and the TOC of a pg_dump custom-format archive (pg_backup_archiver.c ReadHead
/// and ReadToc, pg_backup_custom.c _ReadExtraToc), leaving the input at the first data block.
/// Versions other than 1.14 to 1.16, compressed archives and other formats are refused.
/// </summary>
internal static class CustomArchiveReader
{
    /// <summary>More TOC entries than this is corruption, not a database.</summary>
    private const int MaxEntries = 50_000_000;

    public static async Task<ArchiveHeader> ReadHeaderAsync(ArchiveInput input, CancellationToken ct)
    {
        var magic = new byte[5];
        await input.ReadExactlyAsync(magic, ct).ConfigureAwait(false);
        if (Encoding.ASCII.GetString(magic) != "PGDMP")
            throw ArchiveInput.Corrupt("it does not start with PGDMP, so it is no pg_dump custom-format archive");
        var major = await input.ReadByteAsync(ct).ConfigureAwait(false);
        var minor = await input.ReadByteAsync(ct).ConfigureAwait(false);
        var revision = await input.ReadByteAsync(ct).ConfigureAwait(false);
        if (major != 1 || minor < ArchiveFormat.MinMinor || minor > ArchiveFormat.MaxMinor)
            throw new BackupException(
                $"The schema archive has pg_dump archive version {major}.{minor}.{revision}; only versions 1.{ArchiveFormat.MinMinor} to 1.{ArchiveFormat.MaxMinor} " +
                "(pg_dump 12 to 17) can be merged with table data. Restore it with the parallel restore instead, or with the pg_dump version that made it.");
        var intSize = await input.ReadByteAsync(ct).ConfigureAwait(false);
        var offSize = await input.ReadByteAsync(ct).ConfigureAwait(false);
        if (intSize is < 1 or > 8 || offSize is < 1 or > 16)
            throw ArchiveInput.Corrupt($"integer size {intSize} or offset size {offSize} is impossible");
        input.IntSize = intSize;
        input.OffSize = offSize;
        var format = await input.ReadByteAsync(ct).ConfigureAwait(false);
        if (format != ArchiveFormat.FormatCustom)
            throw new BackupException($"The schema archive has pg_dump format {format}, not the custom format (-Fc) that can be merged with table data.");
        var compression = minor >= ArchiveFormat.MinorCompressionByte
            ? await input.ReadByteAsync(ct).ConfigureAwait(false)
            : await input.ReadIntAsync(ct).ConfigureAwait(false);
        if (compression != 0)
            throw new BackupException(
                $"The schema archive is compressed by pg_dump ({(minor >= ArchiveFormat.MinorCompressionByte ? "algorithm" : "level")} {compression}); " +
                "merging table data needs an archive made with -Z0, whose data blocks are stored as they are.");
        var time = new int[7];
        for (var i = 0; i < time.Length; i++)
            time[i] = await input.ReadIntAsync(ct).ConfigureAwait(false);
        var database = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var server = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var dump = await input.ReadStringAsync(ct).ConfigureAwait(false);
        return new ArchiveHeader(major, minor, revision, intSize, offSize, format, compression, time, database, server, dump);
    }

    public static async Task<List<ArchiveTocEntry>> ReadTocAsync(ArchiveInput input, ArchiveHeader header, CancellationToken ct)
    {
        var count = await input.ReadIntAsync(ct).ConfigureAwait(false);
        if (count is < 0 or > MaxEntries)
            throw ArchiveInput.Corrupt($"its TOC claims {count} entries");
        var entries = new List<ArchiveTocEntry>(Math.Min(count, 65_536));
        for (var i = 0; i < count; i++)
            entries.Add(await ReadEntryAsync(input, header, ct).ConfigureAwait(false));
        return entries;
    }

    private static async Task<ArchiveTocEntry> ReadEntryAsync(ArchiveInput input, ArchiveHeader header, CancellationToken ct)
    {
        var dumpId = await input.ReadIntAsync(ct).ConfigureAwait(false);
        if (dumpId <= 0)
            throw ArchiveInput.Corrupt($"TOC entry id {dumpId} is out of range");
        var hadDumper = await input.ReadIntAsync(ct).ConfigureAwait(false);
        var tableOid = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var oid = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var tag = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var desc = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var section = await input.ReadIntAsync(ct).ConfigureAwait(false);
        var defn = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var dropStmt = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var copyStmt = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var ns = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var tablespace = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var tableAm = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var relKind = header.Minor >= ArchiveFormat.MinorRelKind ? await input.ReadIntAsync(ct).ConfigureAwait(false) : 0;
        var owner = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var withOids = await input.ReadStringAsync(ct).ConfigureAwait(false);
        var dependencies = new List<string>();
        while (await input.ReadStringAsync(ct).ConfigureAwait(false) is { } dependency)
            dependencies.Add(dependency);
        var (state, offset) = await input.ReadOffsetAsync(ct).ConfigureAwait(false);
        return new ArchiveTocEntry
        {
            DumpId = dumpId,
            HadDumper = hadDumper,
            TableOid = tableOid,
            Oid = oid,
            Tag = tag,
            Desc = desc,
            Section = section,
            Defn = defn,
            DropStmt = dropStmt,
            CopyStmt = copyStmt,
            Namespace = ns,
            Tablespace = tablespace,
            TableAm = tableAm,
            RelKind = relKind,
            Owner = owner,
            WithOids = withOids,
            Dependencies = dependencies,
            OffsetState = state,
            Offset = offset,
        };
    }
}
