using System.Text.Json;
using Backup.Core.OperationRecords;
using Microsoft.AspNetCore.Mvc;

namespace Backup.AspNetCore;

/// <summary>An operation as its record in the store (what another replica reads), and back.</summary>
internal static class BackupOperationRecords
{
    /// <summary>The replica an operation runs on, as its record names it.</summary>
    public static readonly string Owner = $"{Environment.MachineName}:{Environment.ProcessId}";

    public static OperationRecord ToRecord(BackupOperation operation, DateTimeOffset heartbeat, TimeSpan heartbeatInterval) => new()
    {
        Id = operation.Id,
        Kind = operation.Kind,
        Status = operation.Status,
        StartedAt = operation.StartedAt,
        CompletedAt = operation.CompletedAt,
        Phase = operation.Phase,
        Bytes = operation.Bytes,
        Total = operation.Total,
        Percent = operation.Percent,
        Owner = Owner,
        HeartbeatAt = heartbeat,
        HeartbeatInterval = heartbeatInterval,
        CancelRequested = operation.CancelRequested,
        Result = Summary(operation.Result),
        Error = operation.Error is { } error ? new OperationError(error.Status ?? 500, error.Title, error.Detail) : null,
        BackupId = operation.BackupId,
    };

    public static BackupOperation FromRecord(OperationRecord record) => new()
    {
        Id = record.Id,
        Kind = record.Kind,
        Status = record.Status,
        StartedAt = record.StartedAt,
        CompletedAt = record.CompletedAt,
        Phase = record.Phase,
        Bytes = record.Bytes,
        Total = record.Total,
        Percent = record.Percent,
        CancelRequested = record.CancelRequested,
        Result = record.Result,
        Error = record.Error is { } error ? new ProblemDetails { Status = error.Status, Title = error.Title, Detail = error.Detail, Type = $"https://httpstatuses.io/{error.Status}" } : null,
        BackupId = record.BackupId,
    };

    /// <summary>
    /// The result's top-level values as the API shows them (a manifest's id, type, sizes; a restore's
    /// target database): enough for a client polling another replica to go on, without the nested
    /// detail (tables, row counts, plans) the owner alone keeps.
    /// </summary>
    private static Dictionary<string, string>? Summary(object? result)
    {
        if (result is null)
        {
            return null;
        }
        var json = JsonSerializer.SerializeToElement(result, result.GetType(), BackupApiJson.Options);
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new Dictionary<string, string> { ["value"] = json.ToString() };
        }
        var summary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                summary[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
        return summary;
    }
}
