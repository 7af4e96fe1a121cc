using Backup.Core.Configuration;
using Backup.Core.Health;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Health;

/// <summary>The check as a probe: the registration's failure status, the first-backup grace, the database, the cached catalog.</summary>
public sealed class BackupHealthProbeTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Failure_IsReportedAsTheRegistrationsFailureStatus()
    {
        await using var provider = Host(out _);
        var check = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero, FirstBackupGrace = TimeSpan.Zero });

        var asDegraded = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded));
        var asDefault = await check.CheckHealthAsync(Context(check, null));

        Assert.Equal((HealthStatus.Degraded, "there is no completed backup"), (asDegraded.Status, asDegraded.Description));
        Assert.Equal(HealthStatus.Unhealthy, asDefault.Status);
    }

    [Fact]
    public async Task NoBackupYet_IsDegradedWithinTheGrace_ThenTheFailureStatus_AndHealthyOnceBackedUp()
    {
        await using var provider = Host(out _);
        var check = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero, FirstBackupGrace = TimeSpan.FromHours(2) });

        var fresh = await check.CheckHealthAsync(Context(check, null));
        _time.Advance(TimeSpan.FromHours(1));
        var stillInGrace = await check.CheckHealthAsync(Context(check, null));
        _time.Advance(TimeSpan.FromHours(1));
        var late = await check.CheckHealthAsync(Context(check, null));
        await BackUpAsync(provider);
        var backedUp = await check.CheckHealthAsync(Context(check, null));

        Assert.Equal((HealthStatus.Degraded, "no completed backup yet (within the first-backup grace of 02:00:00)"), (fresh.Status, fresh.Description));
        Assert.Equal(HealthStatus.Degraded, stillInGrace.Status);
        Assert.Equal((HealthStatus.Unhealthy, "there is no completed backup"), (late.Status, late.Description));
        Assert.Equal(HealthStatus.Healthy, backedUp.Status);
    }

    [Fact]
    public async Task FailedBackupsAndNoCompletedOne_AreTheFailureStatusAtOnce_WithoutTheGrace()
    {
        await using var provider = Host(out _);
        var service = provider.GetRequiredService<BackupService>();
        foreach (var id in new[] { "20240501T010000000Z-0000000a", "20240501T020000000Z-0000000b" })
        {
            await service.Catalog.SaveAsync(new Backup.Core.Catalog.BackupManifest
            {
                Id = id, Type = Backup.Core.Abstractions.BackupType.Files, Status = Backup.Core.Catalog.BackupStatus.Failed, Database = "files", StartedAt = _time.GetUtcNow(), Error = "disk full",
            });
        }
        var check = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero, FirstBackupGrace = TimeSpan.FromHours(26) });

        var result = await check.CheckHealthAsync(Context(check, null));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no completed backup; the last 2 failed", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreThatNeverAnswers_IsTheFailureStatusWithinTheTimeout_NamingTheStore()
    {
        await using var provider = Host(out var counting);
        await BackUpAsync(provider);
        var check = Check(provider, new BackupHealthOptions { StoreTimeout = TimeSpan.FromSeconds(1) });
        // Never completes, and ignores cancellation: a hung connection.
        counting.DuringList = () => new TaskCompletionSource().Task;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(Context(check, null)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{clock.Elapsed}");
        Assert.Equal((HealthStatus.Unhealthy, "the backup store could not be read: no answer within 1 s"), (result.Status, result.Description));
    }

    [Fact]
    public async Task UnreachableDatabase_IsTheFailureStatus_NamingTheDatabase_WithoutItsPassword()
    {
        await using var provider = Host(out _);
        await BackUpAsync(provider);
        var check = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero, DatabaseTimeout = TimeSpan.FromSeconds(3) },
            "Host=127.0.0.1;Port=1;Database=shop;Username=app;Password=s3cret-pw;Timeout=2");

        var result = await check.CheckHealthAsync(Context(check, HealthStatus.Degraded));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("the database app@127.0.0.1:1/shop is unreachable: ", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", result.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableStore_IsTheFailureStatus_SayingSo()
    {
        await using var provider = Host(out var counting);
        var check = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero });
        counting.DuringList = () => throw new Abstractions.BackupStorageException("the bucket is gone");

        var result = await check.CheckHealthAsync(Context(check, null));

        Assert.Equal((HealthStatus.Unhealthy, "the backup store could not be read: the bucket is gone"), (result.Status, result.Description));
    }

    [Fact]
    public async Task ManyProbes_ReadTheCatalogOnce_NotAManifestPerProbe()
    {
        await using var provider = Host(out var counting);
        await BackUpAsync(provider);
        await BackUpAsync(provider);
        var cached = Check(provider, new BackupHealthOptions());
        counting.Reset();

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HealthStatus.Healthy, (await cached.CheckHealthAsync(Context(cached, null))).Status);
        }
        var cachedCounts = (counting.Lists, counting.Reads);
        var uncached = Check(provider, new BackupHealthOptions { CacheDuration = TimeSpan.Zero });
        for (var i = 0; i < 5; i++)
        {
            await uncached.CheckHealthAsync(Context(uncached, null));
        }

        // One verdict for the 20 cached probes: its listings (the catalog, the drills) and no manifest read
        // (the catalog's index holds the two this process saved).
        Assert.True(cachedCounts.Lists <= 2, $"{cachedCounts.Lists} listings for 20 probes");
        Assert.Equal(0, cachedCounts.Reads);
        // Uncached, every probe lists, but no manifest is read again.
        Assert.Equal(0, counting.Reads);
    }

    private ServiceProvider Host(out CountingStorageProvider counting)
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        var store = new CountingStorageProvider(new LocalStorageProvider(Options.Create(new LocalStorageOptions { RootPath = _store.Path })));
        counting = store;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b => b.UseStorage(_ => store));
        return services.BuildServiceProvider();
    }

    private Task<Backup.Core.Catalog.BackupManifest> BackUpAsync(ServiceProvider provider) =>
        provider.GetRequiredService<BackupService>().CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });

    private BackupHealthCheck Check(ServiceProvider provider, BackupHealthOptions options, string? database = null) =>
        new(provider.GetRequiredService<BackupService>(), Options.Create(options), Options.Create(new PostgresOptions { ConnectionString = database }), _time);

    private static HealthCheckContext Context(IHealthCheck check, HealthStatus? failureStatus) =>
        new() { Registration = new HealthCheckRegistration("backup", check, failureStatus, null) };
}
