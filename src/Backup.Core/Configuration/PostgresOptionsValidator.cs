using Backup.Core.Abstractions;
using Backup.Core.Postgres;
using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>Checks <see cref="PostgresOptions"/> at start: the connection must parse; no database at all is allowed (file backups only).</summary>
internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        var errors = new List<string>();
        if (options.ConnectionString is { } connection)
        {
            try
            {
                PostgresConnectionInfo.Parse(connection);
            }
            catch (BackupConfigurationException ex)
            {
                errors.Add(ex.Message);
            }
        }
        if (options.ToolsDirectory is { } tools && !Directory.Exists(tools))
        {
            errors.Add($"Backup:Postgres:ToolsDirectory '{tools}' does not exist.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
