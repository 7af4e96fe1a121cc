using System.CommandLine;
using Backup.Cli.Entry;

namespace Backup.Cli.Tests;

/// <summary>The parser alone: help for every command, valid command lines, and bad usage answered with exit code 2 and the fix.</summary>
public sealed class CliParsingTests
{
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }
        Walk(BackupCli.CreateRootCommand(), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Help_OfEveryCommand_ExitsWith0AndDescribesIt(string commandPath)
    {
        var (code, output, _) = await InProcessCli.RunAsync([.. commandPath.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("backup-core " + commandPath, output, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryLeafCommand_HasAnExampleInItsHelp()
    {
        static IEnumerable<Command> Leaves(Command command) => command.Subcommands.Count == 0 ? [command] : command.Subcommands.SelectMany(Leaves);

        var withoutExample = Leaves(BackupCli.CreateRootCommand()).Where(c => c.Description?.Contains("Example:", StringComparison.Ordinal) != true).Select(c => c.Name);

        Assert.Empty(withoutExample);
    }

    [Theory]
    [InlineData("backup full --include-files /srv/a /srv/b --comment x")]
    [InlineData("backup incremental --wait-if-busy")]
    [InlineData("backup files /srv/a --exclude *.tmp --exclude cache/**")]
    [InlineData("list --type full --status completed --json")]
    [InlineData("show 20261130T021500123Z-1a2b3c4d --json")]
    [InlineData("verify --all --deep")]
    [InlineData("verify 20261130T021500123Z-1a2b3c4d")]
    [InlineData("restore --latest --target-database x --files-to /tmp/x --create-missing-roles")]
    [InlineData("restore 20261130T021500123Z-1a2b3c4d --drop-existing --tables a b --dry-run --no-owner")]
    [InlineData("pitr --to 2026-11-30T09:41:00Z --dry-run")]
    [InlineData("pitr --before-migration 20261203120000_AddTags --dry-run")]
    [InlineData("download 20261130T021500123Z-1a2b3c4d -o x.dump")]
    [InlineData("delete 20261130T021500123Z-1a2b3c4d")]
    [InlineData("cleanup --dry-run")]
    [InlineData("status --json")]
    [InlineData("capture --every 2 --json")]
    [InlineData("schedules list")]
    [InlineData("schedules run nightly")]
    [InlineData("run --store s3://bucket/prefix --s3-endpoint http://minio:9000 --key-file /run/secrets/key --config /app/appsettings.json")]
    public void ValidCommandLines_ParseWithoutErrors(string commandLine)
    {
        var result = BackupCli.CreateRootCommand().Parse(commandLine.Split(' '));

        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("list --key c2VjcmV0", "There is no --key option")]
    [InlineData("backup full --key=c2VjcmV0", "--key-file")]
    [InlineData("restore --latest --target postgresql://u:p@other/db", "There is no --target URL")]
    [InlineData("restore", "needs a backup ID or --latest")]
    [InlineData("restore 20261130T021500123Z-1a2b3c4d --latest", "needs a backup ID or --latest")]
    [InlineData("restore --latest --tables a", "--tables restores chosen tables of one backup")]
    [InlineData("verify", "needs a backup ID or --all")]
    [InlineData("pitr", "needs --to TIME or --before-migration ID")]
    [InlineData("pitr --to 2026-11-30T09:41:00Z --before-migration AddTags", "not both")]
    [InlineData("pitr --to yesterday-ish", "is not a time")]
    [InlineData("download 20261130T021500123Z-1a2b3c4d", "--output")]
    [InlineData("backup nightly", "nightly")]
    [InlineData("list --type weekly", "weekly")]
    public async Task BadUsage_ExitsWith2AndNamesTheProblem(string commandLine, string message)
    {
        var (code, _, error) = await InProcessCli.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_OfListOptions_OfferTheStoreAndNeverAKeyOption()
    {
        const string line = "backup-core list --";

        var (code, output, _) = await InProcessCli.RunAsync($"[suggest:{line.Length}]", line);

        var suggestions = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(0, code);
        Assert.Contains("--store", suggestions);
        Assert.Contains("--key-file", suggestions);
        Assert.DoesNotContain("--key", suggestions);
    }

    [Fact]
    public async Task KeyGivenAsAnArgument_NeverAppearsInTheOutput()
    {
        var (code, output, error) = await InProcessCli.RunAsync("list", "--key", "c2VjcmV0LWtleS12YWx1ZQ==");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain("c2VjcmV0LWtleS12YWx1ZQ==", output + error, StringComparison.Ordinal);
    }
}
