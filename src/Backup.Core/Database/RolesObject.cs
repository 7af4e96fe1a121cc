using System.Text.Json;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Pipeline;

namespace Backup.Core.Database;

/// <summary>
/// The server roles a database needs travel with each full backup as a second object
/// (<c>database/&lt;id&gt;.roles.json[.zst][.enc]</c>), so that a restore onto a fresh server can
/// create them. It goes through the same pipeline as the dump, hashed and encrypted like it,
/// rather than into the manifest, which can be read without the key.
/// </summary>
internal sealed class RolesObject(BackupPipeline pipeline)
{
    /// <summary>Stores the roles of the full backup <paramref name="id"/>; null when the engine read none.</summary>
    public async Task<StoredContent?> StoreAsync(string id, IReadOnlyList<DatabaseRole>? roles, bool compress, bool? encrypt, CancellationToken cancellationToken) =>
        roles is null
            ? null
            : await pipeline.WriteAsync(
                BackupCatalog.RolesKey(id),
                (stream, ct) => JsonSerializer.SerializeAsync(stream, roles, ManifestJson.Options, ct),
                new PipelineWriteOptions { Compress = compress, Encrypt = encrypt },
                cancellationToken).ConfigureAwait(false);

    /// <summary>The roles recorded with <paramref name="full"/>, read only when the restore uses them: not with NoOwner, where no role is named.</summary>
    public async Task<IReadOnlyList<DatabaseRole>?> ReadAsync(BackupManifest full, bool noOwner, CancellationToken cancellationToken)
    {
        if (noOwner || full.RolesContent is not { } content)
        {
            return null;
        }
        // The pipeline reads to the end, where the hashes are checked, before the roles are trusted.
        return await pipeline.ReadAsync(content, async (stream, ct) =>
        {
            try
            {
                return (IReadOnlyList<DatabaseRole>)(await JsonSerializer.DeserializeAsync<List<DatabaseRole>>(stream, ManifestJson.Options, ct).ConfigureAwait(false) ?? []);
            }
            catch (JsonException ex)
            {
                throw new BackupIntegrityException($"The roles object '{content.Key}' of backup {full.Id} cannot be read ({ex.Message}).", ex);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="request"/> with the roles. A missing role is reported before the target is
    /// created only when the recorded roles cover the whole archive: a schema- or table-limited
    /// backup records the roles of the whole database.
    /// </summary>
    public static EngineRestoreRequest WithRoles(EngineRestoreRequest request, BackupManifest full, IReadOnlyList<DatabaseRole>? roles, bool createMissingRoles, bool noOwner) =>
        request with
        {
            Roles = roles,
            CheckRolesFirst = request.Tables.Count == 0 && full.Schemas.Count == 0 && full.Tables.Count == 0,
            CreateMissingRoles = createMissingRoles,
            NoOwner = noOwner,
        };

    /// <summary>The step of a restore plan that says what happens to ownership.</summary>
    public static string PlanStep(BackupManifest full, bool createMissingRoles, bool noOwner) =>
        noOwner ? "restore without ownership and privileges (NoOwner): the objects will belong to the restoring user"
        : full.RolesContent is null ? "the backup records no roles: every role its objects name must exist on this server"
        : createMissingRoles ? $"create the roles recorded in '{full.RolesContent.Key}' that this server lacks (no passwords), then keep ownership and privileges"
        : $"check that the roles recorded in '{full.RolesContent.Key}' exist on this server (CreateMissingRoles or NoOwner otherwise)";
}
