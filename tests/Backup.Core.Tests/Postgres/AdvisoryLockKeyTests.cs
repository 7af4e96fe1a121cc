using Backup.Core.Postgres;
using Backup.Core.Scheduling;

namespace Backup.Core.Tests.Postgres;

public sealed class AdvisoryLockKeyTests
{
    // Pinned: replicas of different versions must compute the same key to exclude each other.
    [Fact]
    public void DatabaseBackupLock_Key_IsOurClassAndTheSha256OfTheName_AndStable()
    {
        Assert.Equal(new AdvisoryLockKey(0x424B4442, -1919942189), DatabaseBackupLock.KeyFor("shop"));
    }

    [Fact]
    public void ScheduleRunLock_Key_IsItsOwnClass_AndStable()
    {
        Assert.Equal(new AdvisoryLockKey(0x424B5343, 1865494604), PostgresScheduleRunLock.KeyFor("daily"));
        Assert.NotEqual(DatabaseBackupLock.KeyFor("daily"), PostgresScheduleRunLock.KeyFor("daily"));
    }
}
