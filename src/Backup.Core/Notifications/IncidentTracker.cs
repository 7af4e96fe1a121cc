namespace Backup.Core.Notifications;

/// <summary>
/// The deduplication rule: an incident is announced when it opens and again only when its state
/// changes (health going from degraded to unhealthy); repeats in the same state are counted, not
/// sent; its end is announced once, and only when it was open. Kept in memory: after a restart an
/// incident still going on is announced once more, and an end with nothing open is not announced.
/// </summary>
internal sealed class IncidentTracker
{
    private readonly Dictionary<string, OpenIncident> _open = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records that <paramref name="key"/> is (still) going on in <paramref name="state"/>; true when that is news to send.</summary>
    public bool Raise(string key, string state)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(key, out var incident))
            {
                if (incident.State == state)
                {
                    incident.Suppressed++;
                    return false;
                }
                incident.State = state;
                return true;
            }
            _open[key] = new OpenIncident { State = state };
            return true;
        }
    }

    /// <summary>Ends <paramref name="key"/>: the repeats suppressed while it was open, or null when it was not open (nothing to send).</summary>
    public int? Resolve(string key)
    {
        lock (_lock)
        {
            return _open.Remove(key, out var incident) ? incident.Suppressed : null;
        }
    }

    /// <summary>Whether <paramref name="key"/> is open.</summary>
    public bool IsOpen(string key)
    {
        lock (_lock)
        {
            return _open.ContainsKey(key);
        }
    }

    private sealed class OpenIncident
    {
        public required string State { get; set; }

        public int Suppressed { get; set; }
    }
}
