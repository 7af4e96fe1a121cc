using Backup.Core.Configuration;
using Backup.Core.Drills;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.Core.Tests.Drills;

public sealed class RestoreDrillsOptionsTests
{
    [Fact]
    public void Validate_NamedChecksAndPositiveMaxAge_Succeeds()
    {
        var options = new RestoreDrillsOptions { MaxAge = TimeSpan.FromDays(8) };
        options.Checks.Add(new DrillCheck { Name = "orders", Sql = "SELECT count(*) > 0 FROM orders" });

        Assert.True(new RestoreDrillsOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EmptyNameDuplicateNameEmptySqlAndZeroMaxAge_NamesEachSetting()
    {
        var options = new RestoreDrillsOptions { MaxAge = TimeSpan.Zero };
        options.Checks.Add(new DrillCheck { Name = "", Sql = "SELECT true" });
        options.Checks.Add(new DrillCheck { Name = "a", Sql = "SELECT true" });
        options.Checks.Add(new DrillCheck { Name = "a", Sql = " " });

        var failures = new RestoreDrillsOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Backup:Drills:MaxAge must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Backup:Drills:Checks:0:Name is empty", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Backup:Drills:Checks:2:Name 'a' is used by another check", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Backup:Drills:Checks:2:Sql is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TargetConnectionStringAUrlOrAConnectionString_Succeeds()
    {
        Assert.True(new RestoreDrillsOptionsValidator().Validate(null, new RestoreDrillsOptions { TargetConnectionString = "postgresql://drill:s3cret@drills.internal:5433/postgres" }).Succeeded);
        Assert.True(new RestoreDrillsOptionsValidator().Validate(null, new RestoreDrillsOptions { TargetConnectionString = "Host=drills.internal;Username=drill;Password=s3cret" }).Succeeded);
    }

    [Theory]
    [InlineData("postgresql://drill:s3cret@drills.internal:notaport/postgres")]
    [InlineData("Host=drills.internal;Password=s3cret;Colour=blue")]
    public void Validate_TargetConnectionStringUnreadable_NamesTheSettingAndNotThePassword(string target)
    {
        var failure = Assert.Single(new RestoreDrillsOptionsValidator().Validate(null, new RestoreDrillsOptions { TargetConnectionString = target }).Failures!);

        Assert.Contains("Backup:Drills:TargetConnectionString", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TargetConnectionStringBlank_NamesTheSetting()
    {
        var failure = Assert.Single(new RestoreDrillsOptionsValidator().Validate(null, new RestoreDrillsOptions { TargetConnectionString = " " }).Failures!);

        Assert.StartsWith("Backup:Drills:TargetConnectionString is empty", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBackupSystem_BackupDrillsSection_BindsChecksAndMaxAge()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:Drills:MaxAge"] = "8.00:00:00",
            ["Backup:Drills:Checks:0:Name"] = "orders",
            ["Backup:Drills:Checks:0:Sql"] = "SELECT count(*) > 0 FROM orders",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<RestoreDrillsOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(8), options.MaxAge);
        var check = Assert.Single(options.Checks);
        Assert.Equal(("orders", "SELECT count(*) > 0 FROM orders"), (check.Name, check.Sql));
    }

    [Fact]
    public void AddBackupSystem_InvalidDrillCheck_FailsAtStartNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Backup:Drills:Checks:0:Name"] = "orders" }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RestoreDrillsOptions>>().Value);

        Assert.Contains("Backup:Drills:Checks:0:Sql is empty", error.Message, StringComparison.Ordinal);
    }
}
