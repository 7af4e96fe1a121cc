using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backup.Core.Abstractions;
using Backup.Core.Postgres;
using Backup.Core.Storage;
using Microsoft.Extensions.Options;

namespace Backup.Core.Configuration;

/// <summary>
/// Applies the environment variables (<see cref="BackupEnvironmentVariables"/>) to the options. Registered before configuration
/// binding and code, so both of those override it.
/// </summary>
internal sealed class EnvironmentOptionsSetup(BackupEnvironment environment) :
    IConfigureOptions<BackupOptions>,
    IConfigureOptions<BackupEncryptionOptions>,
    IConfigureOptions<LocalStorageOptions>,
    IConfigureOptions<PostgresOptions>
{
    private static readonly JsonSerializerOptions ScheduleJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public void Configure(BackupOptions options)
    {
        if (environment.GetVariable(BackupEnvironmentVariables.RetentionDays) is { } days)
        {
            if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                options.RetentionDays = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.RetentionDays} must be a whole number of days (e.g. 30); got '{days}'.");
            }
        }
        if (environment.GetVariable(BackupEnvironmentVariables.MaxBackupSizeMb) is { } size)
        {
            if (long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                options.MaxBackupSizeMb = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.MaxBackupSizeMb} must be a whole number of megabytes (e.g. 10240); got '{size}'.");
            }
        }
        if (environment.GetVariable(BackupEnvironmentVariables.DatabaseUrl) is { } url)
        {
            options.DatabaseUrl = url;
        }
        if (environment.GetVariable(BackupEnvironmentVariables.Schedules) is { } json)
        {
            try
            {
                foreach (var schedule in JsonSerializer.Deserialize<List<BackupSchedule>>(json, ScheduleJson) ?? [])
                {
                    options.Schedules.Add(schedule);
                }
            }
            catch (JsonException ex)
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.Schedules} is not a valid JSON array of schedules ({ex.Message}). Expected e.g. [{{\"id\":\"nightly\",\"name\":\"Nightly\",\"type\":\"Full\",\"cronExpression\":\"0 2 * * *\"}}].");
            }
        }
    }

    public void Configure(BackupEncryptionOptions options)
    {
        if (environment.GetVariable(BackupEnvironmentVariables.EncryptionKey) is { } key)
        {
            options.Key = key;
        }
        if (environment.GetVariable(BackupEnvironmentVariables.EncryptionEnabled) is { } enabled)
        {
            if (bool.TryParse(enabled, out var parsed))
            {
                options.Enabled = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.EncryptionEnabled} must be 'true' or 'false'; got '{enabled}'.");
            }
        }
        if (environment.GetVariable(BackupEnvironmentVariables.EncryptionRequired) is { } required)
        {
            if (bool.TryParse(required, out var parsed))
            {
                options.RequireEncryption = parsed;
            }
            else
            {
                options.EnvironmentErrors.Add($"{BackupEnvironmentVariables.EncryptionRequired} must be 'true' or 'false'; got '{required}'.");
            }
        }
    }

    public void Configure(PostgresOptions options)
    {
        if (environment.GetVariable(BackupEnvironmentVariables.DatabaseUrl) is { } url)
        {
            options.ConnectionString = url;
        }
    }

    public void Configure(LocalStorageOptions options)
    {
        if (environment.GetVariable(BackupEnvironmentVariables.BackupDir) is { } directory)
        {
            options.RootPath = directory;
        }
    }
}
