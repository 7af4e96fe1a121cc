using System.CommandLine;
using Backup.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backup.Cli;

/// <summary>
/// The library composed as a host would compose it, from this command line: the environment
/// variables (read by the library itself), then <c>--config</c>, then <c>--key-file</c> and
/// <c>--store</c>. One-shot commands use a plain service provider rather than a generic host:
/// a host's file watchers, lifetimes and hosted services cost start-up time and are not needed
/// to run one operation (the <c>run</c> command starts a real host). They also leave the hosted
/// services out of the registrations, so that nothing could start the scheduler's loop or the slot
/// monitor behind a one-shot command (<c>schedules run</c> force-runs through <see cref="Backup.Core.Abstractions.IScheduler"/>).
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliSession(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public BackupService Backups => _services.GetRequiredService<BackupService>();

    public static CliSession Open(ParseResult parse, CliOptions options)
    {
        var services = new ServiceCollection();
        Compose(services, parse, options, hostedServices: false);
        var provider = services.BuildServiceProvider();
        try
        {
            // What a host does at start: every option validated now, each bad setting named.
            provider.GetService<IStartupValidator>()?.Validate();
            return new CliSession(provider);
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>Adds configuration, logging and the backup system, as this command line asks, to <paramref name="services"/>.</summary>
    // defaultLogLevel: what the library logs without --verbose: nothing below Critical for a one-shot
    // command (its errors are the command's message), Information for the long-running host.
    // hostedServices: the scheduler's loop and the slot monitor, for the long-running host only.
    // configure: what a long-running command changes on top (capture: continuous capture alone).
    public static void Compose(IServiceCollection services, ParseResult parse, CliOptions options, bool hostedServices, LogLevel defaultLogLevel = LogLevel.Critical, Action<Backup.Core.DependencyInjection.BackupSystemBuilder>? configure = null)
    {
        var configuration = BuildConfiguration(parse, options);
        services.AddSingleton(configuration);
        var verbose = parse.GetValue(options.Verbose);
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            // stdout is for results (and --json); every log line goes to stderr.
            .AddSimpleConsole(o => o.SingleLine = true)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.Configure<LoggerFilterOptions>(o => o.MinLevel = verbose ? LogLevel.Debug : defaultLogLevel);

        var store = parse.GetValue(options.Store) is { } uri ? StoreLocation.Parse(uri) : null;
        var s3Endpoint = parse.GetValue(options.S3Endpoint);
        if (store is null && s3Endpoint is not null)
        {
            throw new CliUsageException("--s3-endpoint needs an s3:// store: pass --store s3://bucket/prefix.");
        }
        services.AddBackupSystem(b =>
        {
            store?.Apply(b, s3Endpoint);
            if (!hostedServices)
            {
                b.WithoutHostedScheduler().WithoutHostedSlotLagMonitor().WithoutHostedContinuousCapture().WithoutHostedCatalogLoader();
            }
            configure?.Invoke(b);
        });
    }

    private static IConfiguration BuildConfiguration(ParseResult parse, CliOptions options)
    {
        var builder = new ConfigurationBuilder();
        if (parse.GetValue(options.Config) is { } file)
        {
            if (!file.Exists)
            {
                throw new CliUsageException($"--config {file.FullName}: no such file.");
            }
            builder.AddJsonFile(file.FullName, optional: false, reloadOnChange: false);
        }
        if (parse.GetValue(options.KeyFile) is { } keyFile)
        {
            builder.AddInMemoryCollection([new("Backup:Encryption:Key", ReadKey(keyFile, parse.InvocationConfiguration.Error))]);
        }
        return builder.Build();
    }

    private static string ReadKey(FileInfo file, TextWriter error)
    {
        if (!OperatingSystem.IsWindows() && file.Exists && (file.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            // Not refused (a mounted secret may be 0644 by design), but worth a line: anyone on the host can read it.
            error.WriteLine($"warning: the key file {file.FullName} is readable by other users; chmod 600 it.");
        }
        string key;
        try
        {
            key = File.ReadAllText(file.FullName).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--key-file {file.FullName}: cannot read it ({e.GetType().Name}). Give a readable file that holds the key.");
        }
        return key.Length > 0 ? key : throw new CliUsageException($"--key-file {file.FullName} is empty: it must hold the key (e.g. openssl rand -base64 32 > {file.Name}).");
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
