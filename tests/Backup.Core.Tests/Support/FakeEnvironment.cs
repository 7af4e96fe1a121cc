using Backup.Core.Configuration;

namespace Backup.Core.Tests.Support;

/// <summary>Environment variables for one test, without touching the process environment other tests share.</summary>
public sealed class FakeEnvironment(Dictionary<string, string> variables) : BackupEnvironment
{
    public override string? GetVariable(string name) => variables.GetValueOrDefault(name);
}
