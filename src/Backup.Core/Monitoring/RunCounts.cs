using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Backup.Core.Abstractions;
using Backup.Core.Diagnostics;

namespace Backup.Core.Monitoring;

/// <summary>
/// This process's totals of finished backups (by type and outcome) and stored bytes (by type), read
/// by observable counters: every series exists from the start at 0, whoever listens and whenever.
/// </summary>
internal sealed class RunCounts
{
    private static readonly BackupType[] Types = Enum.GetValues<BackupType>();
    private readonly ConcurrentDictionary<(BackupType Type, bool Succeeded), long> _runs = new();
    private readonly ConcurrentDictionary<BackupType, long> _bytes = new();

    public RunCounts()
    {
        foreach (var type in Types)
        {
            _runs[(type, true)] = 0;
            _runs[(type, false)] = 0;
            _bytes[type] = 0;
        }
    }

    public void Add(BackupType type, bool succeeded, long storedBytes)
    {
        _runs.AddOrUpdate((type, succeeded), 1, (_, n) => n + 1);
        if (succeeded)
        {
            _bytes.AddOrUpdate(type, storedBytes, (_, n) => n + storedBytes);
        }
    }

    public IEnumerable<Measurement<long>> Runs() => _runs.Select(r => new Measurement<long>(
        r.Value, new KeyValuePair<string, object?>("type", BackupTracing.TypeTag(r.Key.Type)), new KeyValuePair<string, object?>("outcome", r.Key.Succeeded ? "success" : "failure")));

    public IEnumerable<Measurement<long>> Bytes() => _bytes.Select(b => new Measurement<long>(b.Value, new KeyValuePair<string, object?>("type", BackupTracing.TypeTag(b.Key))));
}
