using Backup.Core.Configuration;
using Backup.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace Backup.Core.Tests.Configuration;

/// <summary>Each options validator lives beside its options (same folder and namespace), so a feature's settings and their checks are read together.</summary>
public sealed class ValidatorPlacementTests
{
    [Fact]
    public void EveryOptionsValidator_LivesInTheNamespaceOfItsOptions()
    {
        var validators = typeof(BackupOptions).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
                .Select(i => (Validator: t, Options: i.GetGenericArguments()[0])))
            .ToList();

        // The one exception, on purpose: the scheduler checks its part of the general options (the
        // configured schedules) itself, so that Configuration need not depend on Scheduling.
        var misplaced = validators
            .Where(v => v.Validator != typeof(ConfiguredSchedulesValidator))
            .Where(v => v.Validator.Namespace != v.Options.Namespace)
            .Select(v => $"{v.Validator.FullName} checks {v.Options.FullName}");

        Assert.True(validators.Count >= 8, $"found only {validators.Count} validators: the search is broken");
        Assert.Empty(misplaced);
    }
}
