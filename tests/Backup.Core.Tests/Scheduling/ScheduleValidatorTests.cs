using Backup.Core.Abstractions;
using Backup.Core.Scheduling;

namespace Backup.Core.Tests.Scheduling;

public sealed class ScheduleValidatorTests
{
    // The id names stored objects (schedules/defined/<id>.json): "$" would let a trailing newline in.
    [Theory]
    [InlineData("daily\n")]
    [InlineData("daily\r\n")]
    [InlineData("\ndaily")]
    public void Validate_IdWithANewline_IsRefused(string id)
    {
        var error = Assert.Throws<BackupConfigurationException>(() => ScheduleValidator.Validate(new BackupSchedule { Id = id, Name = "n", CronExpression = "0 2 * * *" }));
        Assert.Contains("id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlainId_IsAccepted() =>
        ScheduleValidator.Validate(new BackupSchedule { Id = "daily_db-1", Name = "n", CronExpression = "0 2 * * *" });
}
