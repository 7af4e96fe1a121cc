namespace Backup.Cli;

/// <summary>A command line or setting the CLI itself refuses (exit code 2); the message says what is wrong and how to fix it.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
