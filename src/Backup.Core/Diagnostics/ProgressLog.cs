using Backup.Core.Operations;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Diagnostics;

/// <summary>
/// Progress an operator can follow in the log, whoever else listens: a line when a long operation
/// enters a phase, and one every <see cref="Interval"/> while it moves bytes, with the size so far
/// and the rate. The caller's own progress receives every report unchanged.
/// </summary>
internal sealed class ProgressLog : IProgress<BackupProgress>
{
    /// <summary>How often a running phase writes a line: often enough to see it move, rare enough for a 4-hour restore.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly IProgress<BackupProgress>? _inner;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _operation;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private string? _phase;
    private DateTimeOffset _phaseStarted;
    private DateTimeOffset _lastLine;

    private ProgressLog(IProgress<BackupProgress>? inner, ILogger logger, TimeProvider time, string operation, TimeSpan interval)
    {
        _inner = inner;
        _logger = logger;
        _time = time;
        _operation = operation;
        _interval = interval;
    }

    /// <summary>A reporter that logs <paramref name="operation"/>'s progress and passes every report on to <paramref name="inner"/>.</summary>
    public static IProgress<BackupProgress> Wrap(IProgress<BackupProgress>? inner, ILogger logger, TimeProvider time, string operation, TimeSpan? interval = null) =>
        new ProgressLog(inner, logger, time, operation, interval ?? Interval);

    /// <inheritdoc />
    public void Report(BackupProgress value)
    {
        _inner?.Report(value);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!string.Equals(value.Phase, _phase, StringComparison.Ordinal))
            {
                _phase = value.Phase;
                _phaseStarted = now;
                _lastLine = now;
                Log.OperationPhase(_logger, _operation, value.Phase);
                return;
            }
            if (now - _lastLine < _interval || value.Bytes <= 0)
            {
                return;
            }
            _lastLine = now;
        }
        var size = value.Total is { } total && value.Percent is { } percent
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ByteSize.Format(value.Bytes)} of {ByteSize.Format(total)} ({percent:0.0}%)")
            : ByteSize.Format(value.Bytes);
        Log.OperationProgress(_logger, _operation, value.Phase, size, ByteSize.Rate(value.Bytes, now - _phaseStarted));
    }
}
