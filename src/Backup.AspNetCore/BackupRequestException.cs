namespace Backup.AspNetCore;

/// <summary>A request the API refuses before doing anything: field errors (400), a missing permission (403), a body of the wrong type or size (415, 413).</summary>
internal sealed class BackupRequestException(int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IReadOnlyDictionary<string, string[]>? Errors { get; } = errors;

    public static BackupRequestException Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "Invalid request", "See the field errors.", errors);

    public static BackupRequestException Forbidden(string detail) => new(403, "Forbidden", detail);
}
