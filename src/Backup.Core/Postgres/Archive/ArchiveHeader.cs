namespace Backup.Core.Postgres.Archive;

/// <summary>
/// The file header of a custom-format archive, as pg_backup_archiver.c's WriteHead writes it for
/// archive versions 1.14 to 1.16.
/// </summary>
internal sealed record ArchiveHeader(
    byte Major,
    byte Minor,
    byte Revision,
    byte IntSize,
    byte OffSize,
    byte Format,
    int Compression,
    IReadOnlyList<int> CreationTime,
    string? DatabaseName,
    string? ServerVersion,
    string? DumpVersion)
{
    public string Version => $"{Major}.{Minor}.{Revision}";
}
