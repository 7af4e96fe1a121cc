using Backup.Core.Operations;
using Spectre.Console;

namespace Backup.Cli;

/// <summary>
/// Shows the library's <see cref="BackupProgress"/>: a live bar (phase, bytes, rate, ETA when the
/// size is known) on a terminal; otherwise a plain line on stderr at each new phase and every few seconds.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    // expectedBytes: the plain size when known beforehand (a restore, a download), for the ETA.
    public static async Task<T> RunAsync<T>(CliConsole console, long? expectedBytes, Func<IProgress<BackupProgress>, Task<T>> operation)
    {
        if (!console.Interactive)
        {
            return await operation(new PlainProgress(console.Error));
        }
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var progress = new LiveProgress(context, expectedBytes);
                try
                {
                    return await operation(progress);
                }
                finally
                {
                    progress.Complete();
                }
            });
    }

    private sealed class LiveProgress(ProgressContext context, long? expectedBytes) : IProgress<BackupProgress>
    {
        private readonly Lock _lock = new();
        private ProgressTask? _task;
        private string? _phase;

        public void Report(BackupProgress value)
        {
            lock (_lock)
            {
                if (value.Phase != _phase)
                {
                    Complete();
                    _phase = value.Phase;
                    _task = context.AddTask(Markup.Escape(value.Phase), maxValue: Math.Max(1, expectedBytes ?? 1));
                    _task.IsIndeterminate = expectedBytes is null;
                }
                if (_task!.IsIndeterminate && value.Bytes >= _task.MaxValue)
                {
                    _task.MaxValue = value.Bytes + 1; // keeps the byte count and rate columns honest without a known size
                }
                _task.Value = value.Bytes;
            }
        }

        public void Complete()
        {
            lock (_lock)
            {
                if (_task is { } task)
                {
                    task.MaxValue = Math.Max(task.Value, 1);
                    task.Value = task.MaxValue;
                    task.IsIndeterminate = false;
                    task.StopTask();
                }
            }
        }
    }

    private sealed class PlainProgress(TextWriter error) : IProgress<BackupProgress>
    {
        private readonly Lock _lock = new();
        // One clock for the elapsed times and the line stamps (the project reads time through TimeProvider).
        private readonly TimeProvider _time = TimeProvider.System;
        private readonly long _started = TimeProvider.System.GetTimestamp();
        private string? _phase;
        private TimeSpan _lastLine;
        private TimeSpan _phaseStart;

        public void Report(BackupProgress value)
        {
            lock (_lock)
            {
                var now = _time.GetElapsedTime(_started);
                if (value.Phase == _phase && now - _lastLine < PlainInterval)
                {
                    return;
                }
                if (value.Phase != _phase)
                {
                    _phase = value.Phase;
                    _phaseStart = now;
                }
                _lastLine = now;
                var seconds = Math.Max((now - _phaseStart).TotalSeconds, 0.001);
                error.WriteLine($"{_time.GetUtcNow():HH:mm:ss} {value.Phase}: {value.Bytes / 1048576.0:0.0} MB ({value.Bytes / 1048576.0 / seconds:0} MB/s)");
            }
        }
    }
}
