using Backup.Core.Abstractions;
using Microsoft.Extensions.Options;

namespace Backup.Core.Postgres;

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
        if (string.IsNullOrWhiteSpace(options.TimestampColumn))
        {
            errors.Add("Backup:Postgres:TimestampColumn must name a column.");
        }
        if (options.TimestampOverlap < TimeSpan.Zero)
        {
            errors.Add($"Backup:Postgres:TimestampOverlap must not be negative (it is {options.TimestampOverlap}).");
        }
        if (options.MaxSlotLagMegabytes is <= 0)
        {
            errors.Add($"Backup:Postgres:MaxSlotLagMegabytes must be positive when set (it is {options.MaxSlotLagMegabytes}).");
        }
        if (options.SlotLagCheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"Backup:Postgres:SlotLagCheckInterval must be positive (it is {options.SlotLagCheckInterval}).");
        }
        if (options.HeartbeatInterval < TimeSpan.Zero)
        {
            errors.Add($"Backup:Postgres:HeartbeatInterval must not be negative (it is {options.HeartbeatInterval}); zero or empty turns the heartbeat off.");
        }
        if (options.Jobs is < 0 or > 64)
        {
            errors.Add($"Backup:Postgres:Jobs must be between 0 (one pg_dump stream) and 64 (it is {options.Jobs}).");
        }
        if (options.PartSizeMegabytes < 1)
        {
            errors.Add($"Backup:Postgres:PartSizeMegabytes must be at least 1 (it is {options.PartSizeMegabytes}).");
        }
        if (options.RestoreMaintenanceWorkMemMegabytes is < 0 or > 65536)
        {
            errors.Add($"Backup:Postgres:RestoreMaintenanceWorkMemMegabytes must be between 0 (the server's setting) and 65536 (it is {options.RestoreMaintenanceWorkMemMegabytes}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
