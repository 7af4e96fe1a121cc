using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Tests.Support;

/// <summary>A logger that keeps every entry, so a test can count how often something was said.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>The entries with event id <paramref name="eventId"/>.</summary>
    public IReadOnlyList<LogEntry> WithId(int eventId) => [.. _entries.Where(e => e.EventId == eventId)];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception)));
}

/// <summary>One logged entry.</summary>
internal sealed record LogEntry(LogLevel Level, int EventId, string Message);
