using Backup.Core.Notifications;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Notifications;

public sealed class IncidentTrackerProperties
{
    // An operation on one of three keys: a raise in one of two states, or a resolve.
    [Property(MaxTest = 300)]
    public bool AnySequence_SendsOnlyOpeningsStateChangesAndResolutionsOfOpenIncidents((byte Key, byte Op)[] operations)
    {
        var tracker = new IncidentTracker();
        var model = new Dictionary<string, (string State, int Suppressed)>();
        foreach (var (k, op) in operations)
        {
            var key = "k" + (k % 3);
            switch (op % 3)
            {
                case 0 or 1:
                    var state = op % 3 == 0 ? "failed" : "degraded";
                    var expected = !model.TryGetValue(key, out var open) || open.State != state;
                    model[key] = model.TryGetValue(key, out open) ? (state, open.Suppressed + (expected ? 0 : 1)) : (state, 0);
                    if (tracker.Raise(key, state) != expected)
                    {
                        return false;
                    }
                    break;
                default:
                    int? resolved = model.Remove(key, out var closed) ? closed.Suppressed : null;
                    if (tracker.Resolve(key) != resolved)
                    {
                        return false;
                    }
                    break;
            }
        }
        return true;
    }

    [Property(MaxTest = 100)]
    public bool RepeatedFailures_SendOneMessageAndOneResolutionCountingTheRepeats(byte repeats)
    {
        var tracker = new IncidentTracker();
        var sent = Enumerable.Range(0, repeats + 1).Count(_ => tracker.Raise("backup-failed:full/nightly", "failed"));
        return sent == 1 && tracker.Resolve("backup-failed:full/nightly") == repeats && tracker.Resolve("backup-failed:full/nightly") is null;
    }

    [Fact]
    public void ResolveWithNothingOpen_SendsNothing() => Assert.Null(new IncidentTracker().Resolve("backup-failed:full/manual"));
}
