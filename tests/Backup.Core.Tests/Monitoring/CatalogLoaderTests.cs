using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Monitoring;
using Backup.Core.Operations;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Backup.Core.Tests.Monitoring;

/// <summary>The hosted catalog loader: the gauges show the store after a restart without anything listing it.</summary>
public sealed class CatalogLoaderTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task StoreUnreachableAtStart_StartDoesNotWait_TheLoaderRetries_ThenTheGaugesShowTheStore()
    {
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
        using (var before = FileOnlyHost.Build(_store.Path, null))
        {
            await before.GetRequiredService<BackupService>().CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });
        }
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new CountingStorageProvider(new LocalStorageProvider(Options.Create(new LocalStorageOptions { RootPath = _store.Path })));
        var failures = 2;
        store.DuringList = () => Interlocked.Decrement(ref failures) >= 0 ? throw new BackupStorageException("the store is away") : Task.CompletedTask;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        builder.Services.AddBackupSystem(b => b.UseStorage(_ => store).WithoutHostedScheduler().Configure(o => o.RequireDatabase = false));
        using var host = builder.Build();

        await host.StartAsync();
        var metrics = host.Services.GetRequiredService<BackupMetrics>();
        var loadedAtStart = metrics.Loaded;
        for (var i = 0; i < 200 && !metrics.Loaded; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        await host.StopAsync();

        Assert.False(loadedAtStart);
        Assert.True(metrics.Loaded);
        Assert.Equal(3, store.Lists);
        Assert.Equal((1, 1.0), (metrics.Analytics.SuccessfulBackups, metrics.Analytics.SuccessRate));
    }
}
