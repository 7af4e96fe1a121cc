using System.Security.Cryptography;
using Backup.Core.Abstractions;
using Backup.Core.Compression;
using Backup.Core.Configuration;
using Backup.Core.Pipeline;
using Backup.Core.Storage;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Backup.Core.Tests.Configuration;

public sealed class AddBackupSystemTests : IDisposable
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Defaults_WithEnvironment_GiveALocalZstdEncryptedPipelineThatRoundTrips()
    {
        using var provider = Build(new() { ["BACKUP_DIR"] = _root.Path, ["BACKUP_ENCRYPTION_KEY"] = Key });

        var pipeline = provider.GetRequiredService<BackupPipeline>();
        var content = await pipeline.WriteAsync("database/d.dump", (s, ct) => s.WriteAsync(new byte[1000], ct).AsTask());

        Assert.Equal("database/d.dump.zst.enc", content.Key);
        Assert.IsType<LocalStorageProvider>(provider.GetRequiredService<IStorageProvider>());
        Assert.True(File.Exists(Path.Combine(_root.Path, content.Key)));
        await pipeline.VerifyAsync(content);
    }

    [Fact]
    public void Environment_SeedVariables_AreRead()
    {
        using var provider = Build(new()
        {
            ["BACKUP_DIR"] = _root.Path,
            ["BACKUP_RETENTION_DAYS"] = "14",
            ["MAX_BACKUP_SIZE_MB"] = "2048",
            ["DATABASE_URL"] = "postgresql://app@localhost/app",
            ["BACKUP_SCHEDULES"] = """[{"id":"nightly","name":"Nightly","type":"Full","cronExpression":"0 2 * * *"}]""",
            ["BACKUP_ENCRYPTION_KEY"] = Key,
            ["BACKUP_ENCRYPTION_ENABLED"] = "false",
        });

        var options = provider.GetRequiredService<IOptions<BackupOptions>>().Value;
        Assert.Equal(14, options.RetentionDays);
        Assert.Equal(2048, options.MaxBackupSizeMb);
        Assert.Equal("postgresql://app@localhost/app", options.DatabaseUrl);
        Assert.Equal("postgresql://app@localhost/app", provider.GetRequiredService<IOptions<Backup.Core.Postgres.PostgresOptions>>().Value.ConnectionString);
        Assert.Equal("0 2 * * *", Assert.Single(options.Schedules).CronExpression);
        Assert.Equal(_root.Path, provider.GetRequiredService<IOptions<LocalStorageOptions>>().Value.RootPath);
        Assert.False(provider.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value.Enabled);
    }

    [Fact]
    public void Precedence_CodeBeatsConfigurationWhichBeatsEnvironment_WhateverTheOrder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:RetentionDays"] = "20",
            ["Backup:MaxBackupSizeMb"] = "500",
            ["Backup:Compression:Algorithm"] = "gzip",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment(new() { ["BACKUP_RETENTION_DAYS"] = "10", ["MAX_BACKUP_SIZE_MB"] = "100", ["BACKUP_DIR"] = _root.Path }));
        services.AddBackupSystem(b => b.UseBrotli(4).Configure(o => o.RetentionDays = 30));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BackupOptions>>().Value;
        Assert.Equal(30, options.RetentionDays);       // code
        Assert.Equal(500, options.MaxBackupSizeMb);    // configuration over environment
        Assert.Equal(_root.Path, provider.GetRequiredService<IOptions<LocalStorageOptions>>().Value.RootPath); // environment
        var compressor = provider.GetRequiredService<ICompressor>();
        Assert.Equal(("brotli", 4), (compressor.Name, compressor.Level)); // code over configuration
    }

    [Theory]
    [InlineData("BACKUP_RETENTION_DAYS", "a week", "BACKUP_RETENTION_DAYS")]
    [InlineData("BACKUP_RETENTION_DAYS", "0", "BACKUP_RETENTION_DAYS")]
    [InlineData("MAX_BACKUP_SIZE_MB", "10GB", "MAX_BACKUP_SIZE_MB")]
    [InlineData("BACKUP_ENCRYPTION_ENABLED", "yes", "BACKUP_ENCRYPTION_ENABLED")]
    [InlineData("BACKUP_ENCRYPTION_KEY", "too-short", "BACKUP_ENCRYPTION_KEY")]
    [InlineData("BACKUP_SCHEDULES", "{not json", "BACKUP_SCHEDULES")]
    [InlineData("BACKUP_SCHEDULES", """[{"id":"n","name":"N","cronExpression":"0 25 * * *"}]""", "Backup:Schedules[0].cronExpression")]
    [InlineData("BACKUP_SCHEDULES", """[{"id":"n","name":"N","cronExpression":"0 2 * * *","timeZone":"Nowhere/City"}]""", "Backup:Schedules[0].timeZone")]
    [InlineData("BACKUP_SCHEDULES", """[{"id":"f","name":"F","type":"Files","cronExpression":"0 2 * * *"}]""", "Backup:Schedules[0].options.directories")]
    public async Task Start_InvalidSetting_FailsWithAMessageNamingIt(string variable, string value, string named)
    {
        using var host = BuildHost(new() { ["BACKUP_DIR"] = _root.Path, [variable] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        if (variable == "BACKUP_ENCRYPTION_KEY")
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_EncryptionEnabledWithoutKey_FailsNamingTheKeyVariable()
    {
        using var host = BuildHost(new() { ["BACKUP_DIR"] = _root.Path, ["BACKUP_ENCRYPTION_ENABLED"] = "true" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("BACKUP_ENCRYPTION_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ValidSettings_Starts()
    {
        using var host = BuildHost(new() { ["BACKUP_DIR"] = _root.Path, ["BACKUP_ENCRYPTION_KEY"] = Key });
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public void UseAesGcmEncryption_InCode_EncryptsAndNeverShowsTheKey()
    {
        using var provider = Build(new() { ["BACKUP_DIR"] = _root.Path }, b => b.UseAesGcmEncryption(o => { o.Key = Key; o.KeyId = "code-key"; }));

        var encryptor = provider.GetRequiredService<IEncryptor>();
        var options = provider.GetRequiredService<IOptions<BackupEncryptionOptions>>().Value;

        Assert.Equal("code-key", encryptor.ActiveKeyId);
        Assert.True(options.Enabled);
        Assert.DoesNotContain(Key, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UseNoCompression_AndNoKey_StoresPlainObjects()
    {
        using var provider = Build(new() { ["BACKUP_DIR"] = _root.Path }, b => b.UseNoCompression());

        Assert.IsType<NoCompressor>(provider.GetRequiredService<ICompressor>());
        Assert.NotNull(provider.GetRequiredService<BackupPipeline>());
        Assert.Throws<BackupConfigurationException>(() => provider.GetRequiredService<IEncryptor>());
    }

    [Fact]
    public void IBackupEngine_IsTheContainersPostgresEngine_AndWithoutADatabaseSaysWhatToSet()
    {
        using var withDatabase = Build(new() { ["BACKUP_DIR"] = _root.Path, ["DATABASE_URL"] = "postgresql://app@localhost/app" });
        using var without = Build(new() { ["BACKUP_DIR"] = _root.Path });

        Assert.Equal("postgresql", withDatabase.GetRequiredService<IBackupEngine>().Name);
        Assert.Same(withDatabase.GetRequiredService<IBackupEngine>(), withDatabase.GetRequiredService<Backup.Core.Postgres.PostgresBackupEngine>());
        Assert.Contains("DATABASE_URL", Assert.Throws<BackupConfigurationException>(() => without.GetRequiredService<IBackupEngine>()).Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string> environment, Action<Backup.Core.DependencyInjection.BackupSystemBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment(environment));
        services.AddBackupSystem(configure);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Backup:Retention:KeepDaily", "0", "Backup:Retention:KeepDaily must be at least 1")]
    [InlineData("Backup:Health:FailuresInARow", "0", "Backup:Health:FailuresInARow must be at least 1")]
    [InlineData("Backup:Scheduler:CatchUpGrace", "-00:01:00", "Backup:Scheduler:CatchUpGrace must not be negative")]
    [InlineData("Backup:Postgres:HeartbeatInterval", "-00:01:00", "Backup:Postgres:HeartbeatInterval must not be negative")]
    public async Task Start_InvalidSectionSetting_FailsNamingIt(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSingleton<BackupEnvironment>(new FakeEnvironment(new() { ["BACKUP_DIR"] = _root.Path }));
        builder.Services.AddBackupSystem();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string> environment)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<BackupEnvironment>(new FakeEnvironment(environment));
        builder.Services.AddBackupSystem();
        return builder.Build();
    }
}
