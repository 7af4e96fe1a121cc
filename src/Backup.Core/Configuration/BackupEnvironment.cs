namespace Backup.Core.Configuration;

/// <summary>
/// Reads environment variables. Registered as a service so that tests (and hosts with their own
/// secret stores) can supply values without touching the process environment.
/// </summary>
public class BackupEnvironment
{
    /// <summary>The value of <paramref name="name"/>, or null when it is unset or blank.</summary>
    public virtual string? GetVariable(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
