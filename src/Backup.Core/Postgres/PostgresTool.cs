namespace Backup.Core.Postgres;

/// <summary>pg_dump and pg_restore of one PostgreSQL version.</summary>
/// <param name="Directory">Where they are.</param>
/// <param name="Major">Their major version, e.g. 15.</param>
/// <param name="Version">Their full version string, e.g. <c>15.18</c>.</param>
internal sealed record PostgresTools(string Directory, int Major, string Version)
{
    public string PgDump => Path.Combine(Directory, "pg_dump");

    public string PgRestore => Path.Combine(Directory, "pg_restore");
}
