using Microsoft.Extensions.Options;

namespace Backup.Core.Retention;

/// <summary>Checks <see cref="RetentionRules"/> at start; each message names the setting.</summary>
internal sealed class RetentionRulesValidator : IValidateOptions<RetentionRules>
{
    public ValidateOptionsResult Validate(string? name, RetentionRules options)
    {
        var errors = new List<string>();
        foreach (var (setting, value) in new[] { ("KeepLast", options.KeepLast), ("KeepDaily", options.KeepDaily), ("KeepWeekly", options.KeepWeekly), ("KeepMonthly", options.KeepMonthly) })
        {
            if (value is < 1)
            {
                errors.Add($"{RetentionRules.SectionName}:{setting} must be at least 1, or unset for no such rule; it is {value}.");
            }
        }
        if (options.OrphanGrace < TimeSpan.Zero)
        {
            errors.Add($"{RetentionRules.SectionName}:OrphanGrace must not be negative; it is {options.OrphanGrace}.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
