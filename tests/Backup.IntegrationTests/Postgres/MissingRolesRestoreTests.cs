using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Operations;
using Backup.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Postgres;

/// <summary>
/// The disaster-recovery case of issue #18 item 8: a backup restored onto a server that lacks the
/// roles owning its objects or granted on them. Simulated on the one test server by backing up,
/// then dropping the source database and its roles. Role names are unique: the server is shared.
/// </summary>
public sealed class MissingRolesRestoreTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly List<string> _databases = [];
    private readonly ServiceProvider _provider;

    public MissingRolesRestoreTests() => _provider = Services.Build(TestServer.ConnectionString(Source), _store.Path, _key);

    private string App => "it_app_" + _suffix;

    private string Reader => "it_reader_" + _suffix;

    private string Source => "it_roles_" + _suffix;

    public async Task InitializeAsync()
    {
        await TestServer.ExecuteAsync("postgres", $"CREATE ROLE \"{App}\" NOLOGIN CREATEDB; CREATE ROLE \"{Reader}\" LOGIN PASSWORD 'reader-secret-{_suffix}' CONNECTION LIMIT 7; GRANT \"{App}\" TO \"{Reader}\"");
        await TestServer.CreateDatabaseAsync(Source);
        _databases.Add(Source);
        await TestServer.ExecuteAsync(Source, $"""
            CREATE SCHEMA app AUTHORIZATION "{App}";
            CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL);
            INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
            ALTER TABLE public.items OWNER TO "{App}";
            CREATE TABLE app.orders (id bigserial PRIMARY KEY, item int REFERENCES public.items, qty int);
            INSERT INTO app.orders (item, qty) SELECT g % 500 + 1, g FROM generate_series(1, 200) g;
            ALTER TABLE app.orders OWNER TO "{App}";
            CREATE FUNCTION app.total() RETURNS bigint LANGUAGE sql AS 'SELECT sum(qty) FROM app.orders';
            ALTER FUNCTION app.total() OWNER TO "{App}";
            GRANT USAGE ON SCHEMA app TO "{Reader}";
            GRANT SELECT ON public.items, app.orders TO "{Reader}";
            """);
    }

    public async Task DisposeAsync()
    {
        await TestServer.DropWithSlotsAsync(Source, _databases);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS \"{Reader}\"; DROP ROLE IF EXISTS \"{App}\"");
    }

    public void Dispose()
    {
        _provider.Dispose();
        _store.Dispose();
    }

    [Fact]
    public async Task Restore_OwnerRolesMissing_FailsNamingTheRolesAndBothOptionsAndLeavesNothing()
    {
        var (service, manifest, _) = await BackUpThenLoseTheRolesAsync();
        var target = "it_roles_target_" + _suffix;
        _databases.Add(target);

        var error = await Assert.ThrowsAnyAsync<BackupException>(() => service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { TargetDatabase = target }));

        Assert.Contains(App, error.Message, StringComparison.Ordinal);
        Assert.Contains("CreateMissingRoles", error.Message, StringComparison.Ordinal);
        Assert.Contains("NoOwner", error.Message, StringComparison.Ordinal);
        Assert.False(await TestServer.DatabaseExistsAsync(target));
        Assert.Equal(0L, await RoleCountAsync());
    }

    [Fact]
    public async Task Restore_CreateMissingRoles_CreatesThemWithoutPasswordsAndKeepsOwnersGrantsAndRows()
    {
        var (service, manifest, hashes) = await BackUpThenLoseTheRolesAsync();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { CreateMissingRoles = true });
        _databases.Add(result.TargetDatabase);

        Assert.Equal([App, Reader], result.CreatedRoles.Order(StringComparer.Ordinal));
        Assert.Empty(result.RowCountMismatches);
        Assert.Equal(hashes, await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
        Assert.Equal(App, await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'items'"));
        Assert.Equal(App, await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT pg_get_userbyid(proowner)::text FROM pg_proc WHERE proname = 'total'"));
        // The grant itself, not a right the reader inherits as a member of the owner.
        Assert.Contains($"{Reader}=r/{App}", await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT array_to_string(relacl, ',') FROM pg_class WHERE oid = 'app.orders'::regclass"), StringComparison.Ordinal);
        // Attributes and membership as on the source, but never the password.
        Assert.Equal("f|t|7|t", await TestServer.ScalarAsync<string>("postgres", $"SELECT concat_ws('|', a.rolcanlogin, r.rolcanlogin, r.rolconnlimit, a.rolcreatedb) FROM pg_roles a, pg_roles r WHERE a.rolname = '{App}' AND r.rolname = '{Reader}'"));
        Assert.True(await TestServer.ScalarAsync<bool>("postgres", $"SELECT pg_has_role('{Reader}', '{App}', 'MEMBER')"));
        Assert.True(await TestServer.ScalarAsync<bool>("postgres", $"SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = '{Reader}'"));
    }

    [Fact]
    public async Task Restore_NoOwner_ObjectsBelongToTheRestoringUserAndNoRoleIsCreated()
    {
        var (service, manifest, hashes) = await BackUpThenLoseTheRolesAsync();

        var result = await service.RestoreFromBackupAsync(manifest.Id, new RestoreOptions { NoOwner = true });
        _databases.Add(result.TargetDatabase);

        Assert.Empty(result.CreatedRoles);
        Assert.Equal(hashes, await DatabaseComparison.ContentHashesAsync(result.TargetDatabase));
        Assert.Equal(TestServer.User, await TestServer.ScalarAsync<string>(result.TargetDatabase, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'items'"));
        Assert.Equal(0L, await RoleCountAsync());
    }

    [Fact]
    public async Task DeepVerify_OwnerRolesMissingOnThisServer_StillPassesAndCreatesNoRole()
    {
        var (service, manifest, _) = await BackUpThenLoseTheRolesAsync();

        var result = await service.VerifyBackupAsync(manifest.Id, deep: true);

        Assert.True(result.IsValid, string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Equal(0L, await RoleCountAsync());
    }

    [Fact]
    public async Task FullBackup_RolesObject_EncryptedListedInManifestWithoutPasswordsAndDeletedWithTheBackup()
    {
        var service = _provider.Service();

        var manifest = await service.CreateFullBackupAsync();

        var roles = manifest.RolesContent;
        Assert.NotNull(roles);
        Assert.EndsWith(".roles.json.zst.enc", roles.Key, StringComparison.Ordinal);
        var storedFiles = Directory.GetFiles(_store.Path, "*", SearchOption.AllDirectories);
        Assert.DoesNotContain(storedFiles, f => File.ReadAllText(f).Contains(App, StringComparison.Ordinal));
        Assert.DoesNotContain(storedFiles, f => File.ReadAllText(f).Contains("reader-secret", StringComparison.Ordinal) || File.ReadAllText(f).Contains("SCRAM-SHA-256", StringComparison.Ordinal));
        Assert.Empty(await service.CleanupIncompleteBackupsAsync(TimeSpan.Zero));
        Assert.Contains((await service.VerifyBackupAsync(manifest.Id)).Checks, c => c.Name == "roles" && c.Passed);

        await service.DeleteBackupAsync(manifest.Id);

        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Path, "database")));
    }

    // A full backup, then a "fresh server": the roles cannot be dropped while they own objects anywhere, so the source goes first.
    private async Task<(BackupService Service, BackupManifest Manifest, SortedDictionary<string, string> Hashes)> BackUpThenLoseTheRolesAsync()
    {
        var service = _provider.Service();
        var manifest = await service.CreateFullBackupAsync();
        var hashes = await DatabaseComparison.ContentHashesAsync(Source);
        await TestServer.DropWithSlotsAsync(Source, []);
        await TestServer.ExecuteAsync("postgres", $"DROP ROLE \"{Reader}\"; DROP ROLE \"{App}\"");
        return (service, manifest, hashes);
    }

    private Task<long> RoleCountAsync() =>
        TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_roles WHERE rolname IN ('{App}', '{Reader}')");
}
