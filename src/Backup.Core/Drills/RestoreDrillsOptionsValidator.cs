using Backup.Core.Abstractions;
using Backup.Core.Postgres;
using Microsoft.Extensions.Options;

namespace Backup.Core.Drills;

/// <summary>Checks <see cref="RestoreDrillsOptions"/> at start; each message names the setting.</summary>
internal sealed class RestoreDrillsOptionsValidator : IValidateOptions<RestoreDrillsOptions>
{
    public ValidateOptionsResult Validate(string? name, RestoreDrillsOptions options)
    {
        var errors = new List<string>();
        if (options.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
        {
            errors.Add($"{RestoreDrillsOptions.SectionName}:MaxAge must be positive, or unset; it is {maxAge}.");
        }
        if (options.TargetConnectionString is { } target)
        {
            var setting = $"{RestoreDrillsOptions.SectionName}:TargetConnectionString";
            if (string.IsNullOrWhiteSpace(target))
            {
                errors.Add($"{setting} is empty: give another server's connection, or leave it unset to restore drills on the backed-up server.");
            }
            else
            {
                try
                {
                    PostgresConnectionInfo.Parse(target, setting);
                }
                catch (BackupConfigurationException ex)
                {
                    // The parser's message names the setting and leaves the password out.
                    errors.Add(ex.Message);
                }
            }
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Checks.Count; i++)
        {
            var check = options.Checks[i];
            var setting = $"{RestoreDrillsOptions.SectionName}:Checks:{i}";
            if (string.IsNullOrWhiteSpace(check.Name))
            {
                errors.Add($"{setting}:Name is empty: every check needs a name, which a failing drill reports.");
            }
            else if (!names.Add(check.Name))
            {
                errors.Add($"{setting}:Name '{check.Name}' is used by another check: a failing drill could not say which one failed.");
            }
            if (string.IsNullOrWhiteSpace(check.Sql))
            {
                errors.Add($"{setting}:Sql is empty: a check is a query that returns true.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
