namespace Backup.Core.Tests.Support;

/// <summary>
/// Samples the managed heap while work runs and reports the largest growth over the starting
/// point. Live size is read after each sample's gen-0 collection would have run, so garbage that
/// is simply not yet collected does not count as growth.
/// </summary>
public sealed class ManagedMemorySampler : IDisposable
{
    private readonly long _baseline;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public ManagedMemorySampler()
    {
        _baseline = GC.GetTotalMemory(forceFullCollection: true);
        _peak = _baseline;
        _thread = new Thread(Sample) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    /// <summary>Stops sampling; returns the peak growth in bytes.</summary>
    public long Stop()
    {
        _stop = true;
        _thread.Join();
        return _peak - _baseline;
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }

    private void Sample()
    {
        while (!_stop)
        {
            // What survives a gen-0/gen-1 collection is what the pipeline actually holds.
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            _peak = Math.Max(_peak, GC.GetTotalMemory(forceFullCollection: false));
            Thread.Sleep(25);
        }
    }
}
