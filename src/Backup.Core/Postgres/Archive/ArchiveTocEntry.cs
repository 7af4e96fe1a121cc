namespace Backup.Core.Postgres.Archive;

/// <summary>
/// One TOC entry of a pg_dump custom-format archive, field for field as pg_backup_archiver.c's
/// WriteToc writes it (strings may be null: pg_dump writes them as length -1).
/// </summary>
internal sealed class ArchiveTocEntry
{
    public int DumpId { get; init; }
    public int HadDumper { get; init; }
    public string? TableOid { get; init; }
    public string? Oid { get; init; }
    public string? Tag { get; init; }
    public string? Desc { get; init; }
    public int Section { get; init; }
    public string? Defn { get; init; }
    public string? DropStmt { get; init; }
    public string? CopyStmt { get; init; }
    public string? Namespace { get; init; }
    public string? Tablespace { get; init; }
    public string? TableAm { get; init; }

    /// <summary>Only in archives 1.16 and later.</summary>
    public int RelKind { get; init; }
    public string? Owner { get; init; }
    public string? WithOids { get; init; }
    public IReadOnlyList<string> Dependencies { get; init; } = [];

    /// <summary>K_OFFSET_POS_NOT_SET, K_OFFSET_POS_SET or K_OFFSET_NO_DATA.</summary>
    public int OffsetState { get; set; }
    public long Offset { get; set; }

    public bool HasData => OffsetState != ArchiveFormat.OffsetNoData;
}
