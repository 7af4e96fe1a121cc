namespace Backup.Core.Operations;

/// <summary>
/// One progress figure for many streams running at once (the parts of a backup taken in parts):
/// each stream's own running count is turned into its growth and added to the total, which is
/// reported under one phase.
/// </summary>
internal sealed class ProgressTotal(string phase, IProgress<BackupProgress>? progress)
{
    private long _bytes;

    /// <summary>The bytes counted so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>A reporter for one stream's running count (as <see cref="ProgressStream"/> reports it).</summary>
    public IProgress<BackupProgress> ForStream() => new StreamReporter(this);

    private void Add(long bytes)
    {
        var total = Interlocked.Add(ref _bytes, bytes);
        progress?.Report(new BackupProgress(phase, total));
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
