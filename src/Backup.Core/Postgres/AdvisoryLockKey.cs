using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// A key for PostgreSQL's two-integer advisory lock functions (<c>pg_advisory_lock(int4, int4)</c>):
/// a class id of ours and the first 32 bits of the SHA-256 of the locked name.
/// </summary>
/// <remarks>
/// The two-integer form has a key space of its own on the server: no lock taken with the
/// single-bigint form (<c>hashtext(...)</c> keys, which other applications commonly use) can
/// collide with ours, and within the two-integer form only an application that picks our class
/// ids can. SHA-256 is computed here rather than with <c>hashtext</c>, whose values the server
/// does not promise to keep across major versions. Versions before this one used
/// <c>hashtext</c> bigint keys: during a rolling upgrade an old and a new replica do not exclude
/// each other.
/// </remarks>
internal readonly record struct AdvisoryLockKey(int ClassId, int ObjectId)
{
    /// <summary>Class id of the database backup lock: "BKDB".</summary>
    public const int DatabaseBackupClass = 0x424B4442;

    /// <summary>Class id of the schedule run lock: "BKSC".</summary>
    public const int ScheduleRunClass = 0x424B5343;

    /// <summary>Class id of the slot use lock (<see cref="SlotUseLock"/>): "BKSL".</summary>
    public const int SlotUseClass = 0x424B534C;

    /// <summary>Class id of the continuous capture lock (<see cref="CaptureLock"/>): "BKCC".</summary>
    public const int CaptureClass = 0x424B4343;

    /// <summary>The key of <paramref name="name"/> in the class <paramref name="classId"/>.</summary>
    public static AdvisoryLockKey For(int classId, string name) =>
        new(classId, BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name))));

    /// <summary>Runs <c>SELECT function($1, $2)</c> with this key, e.g. <c>pg_try_advisory_lock</c>.</summary>
    public async Task<object?> CallAsync(NpgsqlConnection connection, string function, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {function}($1, $2)", connection)
        {
            CommandTimeout = 0,
            Parameters = { new() { Value = ClassId }, new() { Value = ObjectId } },
        };
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
