using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Core.Storage;

/// <summary>
/// For store packages: one list of rules checks a store's options both when the host starts
/// (<see cref="IValidateOptions{TOptions}"/>, every problem) and when a store is built in code
/// (<see cref="ThrowIfInvalid"/>, the first problem). Each message names its setting.
/// </summary>
public abstract class StoreOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The configuration section the options bind from, named by errors.</summary>
    protected abstract string SectionName { get; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = Problems(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="BackupConfigurationException"/> for the first problem, if any.</summary>
    public void ThrowIfInvalid(TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Problems(options).FirstOrDefault() is { } problem)
        {
            throw new BackupConfigurationException(SectionName, problem);
        }
    }

    /// <summary>What is wrong with <paramref name="options"/>, one message per problem.</summary>
    protected abstract IEnumerable<string> Problems(TOptions options);
}
