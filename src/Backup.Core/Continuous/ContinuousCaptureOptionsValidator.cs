using Microsoft.Extensions.Options;

namespace Backup.Core.Continuous;

/// <summary>Checks <see cref="ContinuousCaptureOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class ContinuousCaptureOptionsValidator : IValidateOptions<ContinuousCaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, ContinuousCaptureOptions options)
    {
        var errors = new List<string>();
        var section = ContinuousCaptureOptions.SectionName;
        if (options.FlushInterval < TimeSpan.FromMilliseconds(50) || options.FlushInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{section}:FlushInterval must be between 50 ms and one hour (it is {options.FlushInterval}).");
        }
        if (options.MaxSegmentBytes < 64 << 10)
        {
            errors.Add($"{section}:MaxSegmentBytes must be at least 65536 (it is {options.MaxSegmentBytes}).");
        }
        if (options.IdleMarkerInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{section}:IdleMarkerInterval must be at least one second (it is {options.IdleMarkerInterval}).");
        }
        if (options.SpoolLimitMegabytes < 1)
        {
            errors.Add($"{section}:SpoolLimitMegabytes must be at least 1 (it is {options.SpoolLimitMegabytes}).");
        }
        if (options.CompactAfter is { } compactAfter && compactAfter < TimeSpan.Zero)
        {
            errors.Add($"{section}:CompactAfter must not be negative (it is {compactAfter}); leave it empty to never compact.");
        }
        if (options.MaxRetryDelay < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{section}:MaxRetryDelay must be at least one second (it is {options.MaxRetryDelay}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
