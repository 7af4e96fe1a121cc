namespace Backup.Core.Abstractions;

/// <summary>
/// A schema change recorded in a change-capture chain failed when recovery ran it again. Recovery
/// stops there and the database being recovered is dropped: a database with only part of the
/// history would look whole.
/// </summary>
public class DdlReplayException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public DdlReplayException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DdlReplayException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DdlReplayException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="statement"/>, committed at <paramref name="committedAt"/> on the source.</summary>
    public DdlReplayException(string statement, DateTimeOffset committedAt, string reason, Exception? innerException)
        : base($"The schema change committed at {committedAt:O} failed when replayed: {reason}. Statement: {statement}", innerException)
    {
        Statement = statement;
        CommittedAt = committedAt;
    }

    /// <summary>The statement text as recorded on the source.</summary>
    public string Statement { get; } = "";

    /// <summary>When its transaction committed on the source.</summary>
    public DateTimeOffset CommittedAt { get; }
}
