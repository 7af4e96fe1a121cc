using System.CommandLine;
using Backup.Core;

namespace Backup.Cli;

/// <summary>What a command's action gets: its parse result, the output, the token (Ctrl+C, SIGTERM) and the library, composed on first use.</summary>
internal sealed class CommandContext(ParseResult parse, CliOptions options, CliConsole console, CancellationToken cancellationToken) : IAsyncDisposable
{
    private CliSession? _session;

    public ParseResult Parse { get; } = parse;

    public CliOptions Options { get; } = options;

    public CliConsole Console { get; } = console;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public CliSession Session => _session ??= CliSession.Open(Parse, Options);

    public BackupService Backups => Session.Backups;

    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public ValueTask DisposeAsync() => _session?.DisposeAsync() ?? ValueTask.CompletedTask;
}
