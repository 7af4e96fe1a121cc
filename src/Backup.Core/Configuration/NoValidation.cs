using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>For options whose every value is acceptable (counts left unset mean "no such rule").</summary>
internal sealed class NoValidation<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) => ValidateOptionsResult.Skip;
}
