using System.CommandLine;

namespace Backup.Cli;

/// <summary>Runs a command's action with the library composed, and turns what it throws into an exit code and a message.</summary>
internal static class CommandActions
{
    public static void SetAction(this Command command, CliOptions options, Func<CommandContext, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.For(parse, options);
            await using var context = new CommandContext(parse, options, console, cancellationToken);
            try
            {
                return await action(context);
            }
            catch (Exception exception)
            {
                var code = ExceptionExitCodes.For(exception, cancellationToken);
                var message = code == ExitCodes.Cancelled
                    ? "Cancelled. Nothing half-done is left: a cancelled backup is recorded as failed (never listed as restorable), and a database or folder a cancelled restore created is removed."
                    : ExceptionExitCodes.MessageFor(exception);
                console.Fail(message);
                if (code != ExitCodes.Cancelled && parse.GetValue(options.Verbose))
                {
                    console.Error.WriteLine(exception.ToString());
                }
                if (console.Json)
                {
                    // A machine reading stdout still gets its one document.
                    console.WriteJson(new { Error = message, ExitCode = code });
                }
                return code;
            }
        });
}
