using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Configuration;
using Backup.Core.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.AspNetCore;

/// <summary>
/// What a request body may ask for: bounded fields, directories inside the allowed roots, and no
/// field that overrides a server setting (plaintext backups, replacing a database). Every
/// violation is collected, so one 400 lists them all.
/// </summary>
internal sealed class BackupRequestRules(BackupEndpointOptions options)
{
    public const int MaxCommentLength = 1024;
    public const int MaxNameLength = 128;

    // As BackupService.BackupBeforeMigrationAsync accepts them: migrators' ids run longer than names.
    public const int MaxMigrationIdLength = 200;
    public const int MaxListCount = 256;
    public const int MaxItemLength = 1024;
    public const int MaxPathLength = 4096;

    private readonly FileRootGuard _roots = new(options.AllowedFileRoots);

    public void Check(HttpContext http, FullBackupOptions body)
    {
        var errors = new FieldErrors();
        Common(errors, http, "", body.Encrypt, body.Comment, body.ScheduleId);
        errors.List("schemas", body.Schemas, MaxItemLength);
        errors.List("tables", body.Tables, MaxItemLength);
        if (body.IncludeFiles is { } files)
        {
            Files(errors, http, "includeFiles.", files);
        }
        errors.ThrowIfAny();
    }

    public void Check(HttpContext http, IncrementalBackupOptions body)
    {
        var errors = new FieldErrors();
        Common(errors, http, "", body.Encrypt, body.Comment, body.ScheduleId);
        errors.List("tables", body.Tables ?? [], MaxItemLength);
        errors.ThrowIfAny();
    }

    public void Check(HttpContext http, FileBackupRequest body)
    {
        var errors = new FieldErrors();
        errors.Text("name", body.Name, MaxNameLength);
        Files(errors, http, "options.", body.Options);
        errors.ThrowIfAny();
    }

    public void Check(RestoreOptions body, BackupManifest manifest)
    {
        var errors = new FieldErrors();
        if (body.DropExisting && !options.AllowDropExisting)
        {
            errors.Add("dropExisting", "Replacing an existing database is turned off on this server (AllowDropExisting).");
        }
        if (manifest.Type != BackupType.Files && manifest.Database is { } source && string.Equals(body.TargetDatabase, source, StringComparison.Ordinal) && !options.AllowReplaceSource)
        {
            errors.Add("targetDatabase", "Restoring over the backup's own source database is turned off on this server (AllowReplaceSource); restore into another database.");
        }
        errors.Text("targetDatabase", body.TargetDatabase, MaxNameLength);
        errors.List("tables", body.Tables, MaxItemLength);
        if (body.Files is { } files)
        {
            FileRestore(errors, "files.", files);
        }
        errors.ThrowIfAny();
    }

    public void Check(PointInTimeRequest body)
    {
        var errors = new FieldErrors();
        errors.Text("options.targetDatabase", body.Options.TargetDatabase, MaxNameLength);
        if (errors.Text("beforeMigration", body.BeforeMigration, MaxMigrationIdLength) && body.BeforeMigration is { } migration
            && (string.IsNullOrWhiteSpace(migration) || migration.Any(char.IsControl) || migration.Trim().Length != migration.Length))
        {
            errors.Add("beforeMigration", "A migration id holds printable characters only, without leading or trailing spaces.");
        }
        if (body.Target is not null && body.BeforeMigration is not null)
        {
            errors.Add("beforeMigration", "Give target or beforeMigration, not both.");
        }
        if (body.Options.Files is { } files)
        {
            FileRestore(errors, "options.files.", files);
        }
        errors.ThrowIfAny();
    }

    public static void Check(TableRestoreRequest body)
    {
        var errors = new FieldErrors();
        if (body.Tables.Count == 0)
        {
            errors.Add("tables", "Name at least one table to restore (schema.table).");
        }
        errors.List("tables", body.Tables, MaxItemLength);
        errors.Text("targetSchema", body.TargetSchema, MaxNameLength);
        errors.Text("targetDatabase", body.TargetDatabase, MaxNameLength);
        if (body.TargetSchema is not null && body.TargetDatabase is not null)
        {
            errors.Add("targetDatabase", "Restore into a new schema of the live database (targetSchema) or into a new database (targetDatabase), not both.");
        }
        errors.ThrowIfAny();
    }

    public void Check(HttpContext http, BackupSchedule body)
    {
        var errors = new FieldErrors();
        errors.Text("id", body.Id, MaxNameLength);
        errors.Text("name", body.Name, MaxNameLength);
        errors.Text("cronExpression", body.CronExpression, MaxNameLength);
        errors.Text("timeZone", body.TimeZone, MaxNameLength);
        Common(errors, http, "options.", body.Options.Encrypt, body.Options.Comment, scheduleId: null);
        errors.List("options.tables", body.Options.Tables, MaxItemLength);
        errors.List("options.excludePatterns", body.Options.ExcludePatterns, MaxItemLength);
        Directories(errors, "options.directories", body.Options.Directories);
        errors.ThrowIfAny();
    }

    private void Common(FieldErrors errors, HttpContext http, string prefix, bool? encrypt, string? comment, string? scheduleId)
    {
        if (encrypt == false && !options.AllowUnencrypted && KeyConfigured(http))
        {
            errors.Add(prefix + "encrypt", "Plaintext backups are turned off on this server while an encryption key is configured (AllowUnencrypted).");
        }
        errors.Text(prefix + "comment", comment, MaxCommentLength);
        if (scheduleId is not null)
        {
            // The scheduler records its schedule; a request claiming one would take that schedule's retention.
            errors.Add(prefix + "scheduleId", "scheduleId is set by the scheduler, not by a request.");
        }
    }

    private void Files(FieldErrors errors, HttpContext http, string prefix, FileBackupOptions files)
    {
        Common(errors, http, prefix, files.Encrypt, files.Comment, files.ScheduleId);
        if (files.FollowSymlinks && !options.AllowFollowSymlinks)
        {
            errors.Add(prefix + "followSymlinks", "Following symbolic links is turned off on this server (AllowFollowSymlinks): a link could lead outside the allowed roots.");
        }
        errors.List(prefix + "includePatterns", files.IncludePatterns, MaxItemLength);
        errors.List(prefix + "excludePatterns", files.ExcludePatterns, MaxItemLength);
        Directories(errors, prefix + "directories", files.Directories);
    }

    private void FileRestore(FieldErrors errors, string prefix, FileRestoreOptions files)
    {
        errors.List(prefix + "paths", files.Paths, MaxPathLength);
        if (errors.Text(prefix + "targetDirectory", files.TargetDirectory, MaxPathLength) && _roots.Problem(files.TargetDirectory) is { } problem)
        {
            errors.Add(prefix + "targetDirectory", problem);
        }
    }

    private void Directories(FieldErrors errors, string field, IReadOnlyList<string> directories)
    {
        if (!errors.List(field, directories, MaxPathLength))
        {
            return;
        }
        for (var i = 0; i < directories.Count; i++)
        {
            if (_roots.Problem(directories[i]) is { } problem)
            {
                errors.Add($"{field}[{i}]", problem);
            }
        }
    }

    private static bool KeyConfigured(HttpContext http) =>
        http.RequestServices.GetService<IOptions<BackupEncryptionOptions>>()?.Value.Key is { Length: > 0 };

    private sealed class FieldErrors
    {
        private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message) =>
            _errors[field] = _errors.TryGetValue(field, out var earlier) ? [.. earlier, message] : [message];

        /// <summary>True when the text is within its limit (or absent).</summary>
        public bool Text(string field, string? value, int maxLength)
        {
            if (value is { Length: var length } && length > maxLength)
            {
                Add(field, $"At most {maxLength} characters (got {length}).");
                return false;
            }
            return true;
        }

        /// <summary>True when the list and each of its items are within their limits.</summary>
        public bool List(string field, IReadOnlyList<string>? values, int maxItemLength)
        {
            if (values is null)
            {
                return true;
            }
            if (values.Count > MaxListCount)
            {
                Add(field, $"At most {MaxListCount} entries (got {values.Count}).");
                return false;
            }
            var ok = true;
            for (var i = 0; i < values.Count; i++)
            {
                ok &= Text($"{field}[{i}]", values[i], maxItemLength);
            }
            return ok;
        }

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw BackupRequestException.Invalid(_errors);
            }
        }
    }
}
