using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Backup.IntegrationTests.Notifications;

/// <summary>A logger provider that keeps every message of a host, so a test can look for a failure and for a leaked secret.</summary>
public sealed class LogRecorder : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Enqueue($"{eventId.Id} {formatter(state, exception)} {exception}");

    public void Dispose()
    {
    }
}
