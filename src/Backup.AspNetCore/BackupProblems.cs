using System.Text.Json;
using System.Text.RegularExpressions;
using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Backup.AspNetCore;

/// <summary>
/// Errors as RFC 7807 problem details: 400 bad input (with field errors), 403, 404, 409 busy, 413,
/// 415, 422 failed, 503 store or database down. A message that talks about the request is shown;
/// one that comes from the store, the database or the runtime (paths, host and port, .NET type
/// names) is replaced by a fixed text, and the original goes to the server log.
/// </summary>
internal static partial class BackupProblems
{
    public static (int Status, ProblemDetails Details) For(Exception error)
    {
        var (status, title, field, detail) = error switch
        {
            BackupRequestException r => (r.Status, r.Title, null, r.Message),
            JsonException json => (StatusCodes.Status400BadRequest, "Malformed JSON body", JsonField(json), JsonDetail(json)),
            InvalidBackupIdException => (StatusCodes.Status400BadRequest, "Malformed backup id", "id", error.Message),
            UnknownTableException => (StatusCodes.Status400BadRequest, "Unknown table", "tables", error.Message),
            UnknownMigrationException => (StatusCodes.Status400BadRequest, "Unknown migration", "beforeMigration", error.Message),
            BackupConfigurationException c => (StatusCodes.Status400BadRequest, "Invalid request", c.Setting, error.Message),
            ArgumentException a => (StatusCodes.Status400BadRequest, "Invalid request", a.ParamName, WithoutParameterSuffix(a)),
            BackupNotFoundException or ScheduleNotFoundException => (StatusCodes.Status404NotFound, "Not found", null, error.Message),
            BackupObjectNotFoundException => (StatusCodes.Status404NotFound, "Not found", null, "A stored object of this backup is missing from the store."),
            BackupInProgressException => (StatusCodes.Status409Conflict, "A backup is in progress", null, error.Message),
            BackupHasDependentsException => (StatusCodes.Status409Conflict, "Other backups depend on this one", null, error.Message),
            BackupStorageException { IsTransient: true } or BackupDatabaseException { IsTransient: true } =>
                (StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", null, "The store or the database is temporarily unavailable; try again later."),
            RowCountMismatchException or MissingRolesException => (StatusCodes.Status422UnprocessableEntity, "The operation failed", null, error.Message),
            BackupIntegrityException => (StatusCodes.Status422UnprocessableEntity, "The backup is damaged",
                null, "A checksum or an authentication tag of the stored backup did not match: it is damaged or was tampered with. See the server log."),
            BackupStorageException => (StatusCodes.Status422UnprocessableEntity, "The operation failed", null, "The store failed. See the server log."),
            BackupDatabaseException => (StatusCodes.Status422UnprocessableEntity, "The operation failed", null, "The database or its tools failed. See the server log."),
            BackupException => (StatusCodes.Status422UnprocessableEntity, "The operation failed", null, error.Message),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", null, "See the server log."),
        };
        var errors = (error as BackupRequestException)?.Errors
            ?? (field is null || status != StatusCodes.Status400BadRequest ? null : new Dictionary<string, string[]> { [field] = [detail] });
        ProblemDetails details = errors is null ? new ProblemDetails() : new ValidationProblemDetails(errors.ToDictionary());
        details.Status = status;
        details.Title = title;
        details.Detail = detail;
        details.Type = $"https://httpstatuses.io/{status}";
        if (error is BackupHasDependentsException { DependentIds: var dependents })
        {
            // Named for a client to act on (delete them, or ask again with cascade=true).
            details.Extensions["dependents"] = dependents;
        }
        return (status, details);
    }

    public static IResult Result(Exception error)
    {
        var (status, details) = For(error);
        return Results.Json(details, BackupApiJson.Options, "application/problem+json", status);
    }

    /// <summary>Whether the problem shows something other than the error's own message, so the server log should have it.</summary>
    public static bool HidesMessage(Exception error) => For(error).Details.Detail != error.Message;

    private static string JsonField(JsonException json) =>
        UnmappedMember().Match(json.Message) is { Success: true } unmapped ? unmapped.Groups["name"].Value
        : json.Path is { Length: > 2 } path ? path.TrimStart('$', '.')
        : "body";

    // System.Text.Json's messages name .NET types ("could not be converted to System.Boolean"):
    // the client is told what is wrong in the API's own words.
    private static string JsonDetail(JsonException json)
    {
        if (UnmappedMember().Match(json.Message) is { Success: true } unmapped)
        {
            return $"Unknown field '{unmapped.Groups["name"].Value}'.";
        }
        if (MissingRequired().Match(json.Message) is { Success: true } missing)
        {
            return $"Missing required field(s): {missing.Groups["names"].Value}.";
        }
        return json.Path is { Length: > 2 } path
            ? $"The value of '{path.TrimStart('$', '.')}' is not valid here (wrong type or unknown word)."
            : "The body is not valid JSON for this route.";
    }

    private static string WithoutParameterSuffix(ArgumentException a) =>
        a.ParamName is { } name && a.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? a.Message[..^$" (Parameter '{name}')".Length]
            : a.Message;

    [GeneratedRegex("The JSON property '(?<name>[^']{1,200})' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex("missing required properties including: (?<names>[^.]{1,500})")]
    private static partial Regex MissingRequired();
}
