namespace Backup.Core.Postgres.Archive;

/// <summary>Constants of pg_dump's custom format (pg_backup_archiver.h, pg_backup_custom.c, pg_backup.h).</summary>
internal static class ArchiveFormat
{
    public const byte FormatCustom = 1;

    public const int OffsetPosNotSet = 1;
    public const int OffsetPosSet = 2;
    public const int OffsetNoData = 3;

    public const int BlockData = 1;
    public const int BlockBlobs = 3;

    public const int SectionPreData = 2;
    public const int SectionData = 3;
    public const int SectionPostData = 4;

    /// <summary>Oldest and newest minor version (of major 1) whose header and TOC layout this code knows.</summary>
    public const int MinMinor = 14;
    public const int MaxMinor = 16;

    /// <summary>1.15 (PostgreSQL 16) stores the compression algorithm as one byte instead of an int level.</summary>
    public const int MinorCompressionByte = 15;

    /// <summary>1.16 (PostgreSQL 17) adds an int relkind after tableam in each TOC entry.</summary>
    public const int MinorRelKind = 16;
}
