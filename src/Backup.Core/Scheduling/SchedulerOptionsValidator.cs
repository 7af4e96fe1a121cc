using Microsoft.Extensions.Options;

namespace Backup.Core.Scheduling;

/// <summary>Checks <see cref="SchedulerOptions"/> at start; each message names the setting.</summary>
internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new List<string>();
        if (options.CatchUpGrace < TimeSpan.Zero)
        {
            errors.Add($"Backup:Scheduler:CatchUpGrace must not be negative (it is {options.CatchUpGrace}).");
        }
        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"Backup:Scheduler:ShutdownTimeout must not be negative (it is {options.ShutdownTimeout}).");
        }
        if (options.FailuresBeforeUnhealthy < 1)
        {
            errors.Add($"Backup:Scheduler:FailuresBeforeUnhealthy must be at least 1 (it is {options.FailuresBeforeUnhealthy}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
