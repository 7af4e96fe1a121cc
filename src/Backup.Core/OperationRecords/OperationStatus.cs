namespace Backup.Core.OperationRecords;

/// <summary>The statuses of an <see cref="OperationRecord"/>.</summary>
public static class OperationStatus
{
    /// <summary>Still running (its owner writes a heartbeat).</summary>
    public const string Running = "running";

    /// <summary>Ended with a result.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Ended with an error.</summary>
    public const string Failed = "failed";

    /// <summary>Ended because a cancellation was asked for.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Its owner stopped writing it without ending it (the replica died or was killed).</summary>
    public const string Abandoned = "abandoned";

    /// <summary>Whether <paramref name="status"/> is one of these.</summary>
    public static bool IsKnown(string status) => status is Running or Succeeded or Failed or Cancelled or Abandoned;
}
