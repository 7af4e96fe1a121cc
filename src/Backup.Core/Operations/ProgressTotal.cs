namespace Backup.Core.Operations;

/// <summary>
/// One progress figure for many streams running at once (the parts of a backup taken in parts) or
/// one after another (the segments a point-in-time recovery replays): each stream's own running
/// count is turned into its growth and added to the total, which is reported under the current
/// phase, with the size of the whole when it is known.
/// </summary>
internal sealed class ProgressTotal(string phase, IProgress<BackupProgress>? progress, long? total = null)
{
    private long _bytes;

    /// <summary>The bytes counted so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The bytes of the whole, when known.</summary>
    public long? Total => total;

    /// <summary>The phase the next reports carry (a recovery restores, then replays).</summary>
    public string Phase { get; set; } = phase;

    /// <summary>A reporter for one stream's running count (as <see cref="ProgressStream"/> reports it).</summary>
    public IProgress<BackupProgress> ForStream() => new StreamReporter(this);

    /// <summary>Reports the count so far under a new phase (a step that moves no bytes of its own).</summary>
    public void Enter(string newPhase)
    {
        Phase = newPhase;
        progress?.Report(new BackupProgress(newPhase, Bytes) { Total = total });
    }

    /// <summary>Reports the whole as done under a new phase: what was left unread (segments past a recovery's target) was not needed.</summary>
    public void Complete(string newPhase)
    {
        if (total is { } whole)
        {
            Interlocked.Exchange(ref _bytes, Math.Max(whole, Bytes));
        }
        Enter(newPhase);
    }

    private void Add(long bytes)
    {
        var sum = Interlocked.Add(ref _bytes, bytes);
        progress?.Report(new BackupProgress(Phase, sum) { Total = total });
    }

    private sealed class StreamReporter(ProgressTotal total) : IProgress<BackupProgress>
    {
        private long _seen;

        public void Report(BackupProgress value)
        {
            total.Add(value.Bytes - _seen);
            _seen = value.Bytes;
        }
    }
}
