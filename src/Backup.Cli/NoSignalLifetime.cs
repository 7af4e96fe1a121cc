using Microsoft.Extensions.Hosting;

namespace Backup.Cli;

/// <summary>
/// The lifetime of a host a command starts (<c>run</c>, <c>capture</c>): System.CommandLine owns
/// SIGINT and SIGTERM and cancels the command's token, and the command stops the host on it.
/// </summary>
internal sealed class NoSignalLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
