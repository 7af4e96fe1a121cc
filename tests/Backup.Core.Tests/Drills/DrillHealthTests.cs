using Backup.Core.Configuration;
using Backup.Core.Drills;
using Backup.Core.Health;
using Backup.Core.Operations;
using Backup.Core.Postgres;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Opts = Microsoft.Extensions.Options.Options;

namespace Backup.Core.Tests.Drills;

/// <summary>The health check's reading of the drill records in the store (the records themselves come from real drills in the integration tests).</summary>
public sealed class DrillHealthTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task LastDrillFailed_EvenWithAnOlderSuccess_Unhealthy()
    {
        await using var provider = await WithAGoodBackupAsync();
        await SaveAsync(provider, _time.GetUtcNow().AddDays(-2), success: true);
        var failed = await SaveAsync(provider, _time.GetUtcNow().AddDays(-1), success: false);

        var result = await Check(provider, maxAge: null);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal($"the last restore drill ({failed.Id}) failed: disk on fire", result.Description);
        Assert.Equal(failed.Id, result.Data["lastDrill"]);
    }

    [Fact]
    public async Task LastDrillSucceeded_AfterAFailure_Healthy()
    {
        await using var provider = await WithAGoodBackupAsync();
        await SaveAsync(provider, _time.GetUtcNow().AddDays(-2), success: false);
        await SaveAsync(provider, _time.GetUtcNow().AddDays(-1), success: true);

        Assert.Equal(HealthStatus.Healthy, (await Check(provider, maxAge: TimeSpan.FromDays(8))).Status);
    }

    [Fact]
    public async Task NoDrills_NotExpected_Healthy_Expected_Unhealthy()
    {
        await using var provider = await WithAGoodBackupAsync();

        Assert.Equal(HealthStatus.Healthy, (await Check(provider, maxAge: null)).Status);
        var expected = await Check(provider, maxAge: TimeSpan.FromDays(8));
        Assert.Equal(HealthStatus.Unhealthy, expected.Status);
        Assert.Equal("no restore drill succeeded within 8.00:00:00", expected.Description);
    }

    [Fact]
    public async Task LastGoodDrillOlderThanMaxAge_Unhealthy()
    {
        await using var provider = await WithAGoodBackupAsync();
        await SaveAsync(provider, _time.GetUtcNow().AddDays(-9), success: true);

        Assert.Equal(HealthStatus.Unhealthy, (await Check(provider, maxAge: TimeSpan.FromDays(8))).Status);
        Assert.Equal(HealthStatus.Healthy, (await Check(provider, maxAge: TimeSpan.FromDays(10))).Status);
    }

    private async Task<ServiceProvider> WithAGoodBackupAsync()
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b => b.UseLocalStorage(_store.Path));
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<BackupService>().CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });
        return provider;
    }

    private static async Task<DrillRecord> SaveAsync(ServiceProvider provider, DateTimeOffset at, bool success)
    {
        var record = new DrillRecord { Id = DrillStore.NewId(at), StartedAt = at, FinishedAt = at.AddMinutes(2), Success = success, Error = success ? null : "disk on fire" };
        await new DrillStore(provider.GetRequiredService<BackupService>().Catalog.Storage).SaveAsync(record, CancellationToken.None);
        return record;
    }

    private Task<HealthCheckResult> Check(ServiceProvider provider, TimeSpan? maxAge) =>
        new BackupHealthCheck(
            provider.GetRequiredService<BackupService>(),
            Opts.Create(new BackupHealthOptions { CacheDuration = TimeSpan.Zero }),
            Opts.Create(new PostgresOptions()),
            _time,
            scheduler: null,
            Opts.Create(new RestoreDrillsOptions { MaxAge = maxAge })).CheckHealthAsync(new HealthCheckContext());
}
