namespace Backup.Core.Abstractions;

/// <summary>No schedule has the given id.</summary>
public class ScheduleNotFoundException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public ScheduleNotFoundException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ScheduleNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ScheduleNotFoundException(string message, Exception? innerException) : base(message, innerException) { }
}
