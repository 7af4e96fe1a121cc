using System.Diagnostics;
using System.Reflection;
using Backup.Core.Abstractions;

namespace Backup.Core.Diagnostics;

/// <summary>
/// The library's traces (here, beside the logs, because every feature folder starts spans): the <see cref="ActivitySource"/> <see cref="SourceName"/>, with a span per
/// backup (<c>backup</c>, and within it <c>backup.produce</c> — the dump or the parts and their upload —
/// and <c>backup.manifest</c>), restore (<c>restore</c>), point-in-time recovery (<c>recovery</c>, with
/// <c>recovery.replay</c>) and verification (<c>verify</c>). Tags: <c>backup.id</c>, <c>backup.type</c>,
/// <c>backup.stored_bytes</c>, <c>backup.raw_bytes</c>; a failure sets the span's status to Error.
/// </summary>
public static class BackupTracing
{
    /// <summary>The activity source's name, to enable in a tracer (<c>AddSource(BackupTracing.SourceName)</c>).</summary>
    public const string SourceName = "Backup.Core";

    /// <summary>The one source every span starts from; nothing is recorded unless a listener samples it.</summary>
    internal static readonly ActivitySource Source = new(SourceName, typeof(BackupTracing).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    /// <summary>Starts a span (null when no listener wants it), tagged with the backup it is about.</summary>
    internal static Activity? Start(string name, string? backupId = null, BackupType? type = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            if (backupId is not null)
            {
                activity.SetTag("backup.id", backupId);
            }
            if (type is { } t)
            {
                activity.SetTag("backup.type", TypeTag(t));
            }
        }
        return activity;
    }

    /// <summary>Marks a span failed: status Error with the message (never a connection string: messages are the library's own).</summary>
    internal static void Failed(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }
        var cancelled = error is OperationCanceledException;
        activity.SetStatus(ActivityStatusCode.Error, cancelled ? "cancelled" : error.Message);
        activity.SetTag("error.type", cancelled ? "cancelled" : error.GetType().Name);
    }

    /// <summary>Runs <paramref name="body"/> in a span; a failure sets its status to Error and is rethrown.</summary>
    internal static async Task<T> TraceAsync<T>(string name, string? backupId, BackupType? type, Func<Activity?, Task<T>> body)
    {
        using var activity = Start(name, backupId, type);
        try
        {
            return await body(activity).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Failed(activity, ex);
            throw;
        }
    }

    /// <summary>The tag value of a backup type, as the metrics' <c>type</c> label spells it.</summary>
    internal static string TypeTag(BackupType type) => type.ToString().ToLowerInvariant();
}
