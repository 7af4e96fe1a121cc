namespace Backup.Core.Abstractions;

/// <summary>A setting is missing or invalid. <see cref="Setting"/> names it.</summary>
public class BackupConfigurationException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupConfigurationException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BackupConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BackupConfigurationException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception naming the setting at fault.</summary>
    public BackupConfigurationException(string setting, string message) : base(message) => Setting = setting;

    /// <summary>The setting at fault, e.g. <c>BACKUP_ENCRYPTION_KEY</c> or <c>Backup:Storage:RootPath</c>.</summary>
    public string? Setting { get; }
}
