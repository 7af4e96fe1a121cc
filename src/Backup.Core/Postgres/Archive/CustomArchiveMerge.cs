namespace Backup.Core.Postgres.Archive;

/// <summary>
/// Turns a schema archive (<c>pg_dump -Fc -Z0 --exclude-table-data=...</c>) plus the excluded
/// tables' COPY text into one custom-format archive that plain <c>pg_restore</c> restores whole,
/// serially (also from a pipe) or with <c>-j</c>. The output is written front to back, so it may be
/// a pipe; table data is streamed in chunks, never held.
/// </summary>
internal static class CustomArchiveMerge
{
    public static async Task WriteAsync(Stream schemaArchive, IReadOnlyList<TableDataSource> tables, Stream output, CancellationToken ct)
    {
        var input = new ArchiveInput(schemaArchive);
        var header = await CustomArchiveReader.ReadHeaderAsync(input, ct).ConfigureAwait(false);
        var existing = await CustomArchiveReader.ReadTocAsync(input, header, ct).ConfigureAwait(false);
        var added = TableDataEntries.Create(existing, tables);
        var toc = TableDataEntries.Insert(existing, added.Keys.ToList());

        var existingLengths = await MeasureExistingBlocksAsync(input, existing, ct).ConfigureAwait(false);
        await PlaceOffsetsAsync(header, toc, added, existingLengths, ct).ConfigureAwait(false);

        var writer = new ArchiveOutput(output, header.IntSize, header.OffSize);
        await CustomArchiveWriter.WriteHeaderAsync(writer, header, ct).ConfigureAwait(false);
        await CustomArchiveWriter.WriteTocAsync(writer, header, toc, ct).ConfigureAwait(false);
        foreach (var entry in toc.Where(e => e.HasData))
        {
            if (entry.OffsetState == ArchiveFormat.OffsetPosSet && entry.Offset != writer.Position)
                throw new InvalidOperationException($"Data block of entry {entry.DumpId} lands at {writer.Position}, not at its TOC offset {entry.Offset}.");
            if (added.TryGetValue(entry, out var table))
                await TableDataBlock.WriteAsync(writer, entry.DumpId, table, ct).ConfigureAwait(false);
            else
                await ExistingDataBlock.CopyAsync(input, writer, entry.DumpId, ct).ConfigureAwait(false);
        }
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// On a seekable schema archive, the length of each data block it holds (passing over the
    /// blocks, then seeking back); null when the stream cannot seek, which leaves offsets unset.
    /// </summary>
    private static async Task<Dictionary<int, long>?> MeasureExistingBlocksAsync(ArchiveInput input, List<ArchiveTocEntry> existing, CancellationToken ct)
    {
        if (!input.Stream.CanSeek)
            return null;
        var (streamStart, inputStart) = (input.Stream.Position, input.Position);
        var lengths = new Dictionary<int, long>();
        foreach (var entry in existing.Where(e => e.HasData))
            lengths[entry.DumpId] = await ExistingDataBlock.CopyAsync(input, null, entry.DumpId, ct).ConfigureAwait(false);
        input.Stream.Seek(streamStart, SeekOrigin.Begin);
        input.Rewind(inputStart);
        return lengths;
    }

    /// <summary>
    /// Real offsets when every block's length is known beforehand (the TOC's own length does not
    /// depend on the offset values: each is a flag and OffSize bytes), else K_OFFSET_POS_NOT_SET,
    /// with which pg_restore finds blocks by scanning (pg_backup_custom.c _PrintTocData).
    /// </summary>
    private static async Task PlaceOffsetsAsync(
        ArchiveHeader header, List<ArchiveTocEntry> toc, Dictionary<ArchiveTocEntry, TableDataSource> added,
        Dictionary<int, long>? existingLengths, CancellationToken ct)
    {
        var known = existingLengths is not null && added.Values.All(t => t.PlainLength.HasValue);
        foreach (var entry in toc.Where(e => e.HasData))
            (entry.OffsetState, entry.Offset) = (ArchiveFormat.OffsetPosNotSet, 0);
        if (!known)
            return;
        var counter = new ArchiveOutput(Stream.Null, header.IntSize, header.OffSize);
        await CustomArchiveWriter.WriteHeaderAsync(counter, header, ct).ConfigureAwait(false);
        await CustomArchiveWriter.WriteTocAsync(counter, header, toc, ct).ConfigureAwait(false);
        var position = counter.Position;
        foreach (var entry in toc.Where(e => e.HasData))
        {
            (entry.OffsetState, entry.Offset) = (ArchiveFormat.OffsetPosSet, position);
            position += added.TryGetValue(entry, out var table)
                ? TableDataBlock.Length(table.PlainLength!.Value, header.IntSize)
                : existingLengths![entry.DumpId];
        }
    }
}
