using Backup.Core.Abstractions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Backup.AspNetCore;

/// <summary>Errors as RFC 7807 problem details: 400 bad input (with field errors), 404 unknown, 409 busy, 503 store or database down.</summary>
internal static class BackupProblems
{
    public static (int Status, ProblemDetails Details) For(Exception error)
    {
        (int status, string title, string? field) = error switch
        {
            InvalidBackupIdException => (StatusCodes.Status400BadRequest, "Malformed backup id", "id"),
            System.Text.Json.JsonException json => (StatusCodes.Status400BadRequest, "Malformed JSON body", json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body"),
            UnknownTableException => (StatusCodes.Status400BadRequest, "Unknown table", "tables"),
            BackupConfigurationException c => (StatusCodes.Status400BadRequest, "Invalid request", c.Setting),
            ArgumentException a => (StatusCodes.Status400BadRequest, "Invalid request", a.ParamName),
            BackupNotFoundException or ScheduleNotFoundException or BackupObjectNotFoundException => (StatusCodes.Status404NotFound, "Not found", null),
            BackupInProgressException => (StatusCodes.Status409Conflict, "A backup is in progress", null),
            BackupStorageException { IsTransient: true } or BackupDatabaseException { IsTransient: true } => (StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", null),
            BackupException => (StatusCodes.Status422UnprocessableEntity, "The operation failed", null),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error", null),
        };
        ProblemDetails details = field is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [error.Message] });
        details.Status = status;
        details.Title = title;
        // Unexpected errors do not show their message: it may carry internals.
        details.Detail = status == StatusCodes.Status500InternalServerError ? "See the server log." : error.Message;
        details.Type = $"https://httpstatuses.io/{status}";
        return (status, details);
    }

    public static IResult Result(Exception error)
    {
        var (status, details) = For(error);
        return Results.Json(details, BackupApiJson.Options, "application/problem+json", status);
    }
}
