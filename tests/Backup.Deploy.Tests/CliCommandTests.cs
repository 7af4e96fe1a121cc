namespace Backup.Deploy.Tests;

public class CliCommandTests
{
    private static KubernetesManifests Shipped => KubernetesManifests.Shipped;

    [Fact]
    public void ShippedWorkloads_RunCommandsTheCliParses()
    {
        var problems = CliCommandCheck.Problems(Shipped);

        ProblemAssert.None(problems);
    }

    [Fact]
    public void ShippedWorkloads_AreTheDailyFullBackupWithRetention_AndTheScheduler()
    {
        var commands = Shipped.Containers.Select(c => $"{c.Location}, {c.Name}: {string.Join(' ', CliCommandCheck.ArgumentsOf(c) ?? [])}");

        Assert.Equal(
        [
            "cronjob.yaml: CronJob/backup-core-full, backup: backup full",
            "cronjob.yaml: CronJob/backup-core-full, cleanup: cleanup",
            "deployment.yaml: Deployment/backup-core, backup-core: run",
        ], commands);
    }

    [Fact]
    public void MisspelledSubcommand_IsReported()
    {
        var problems = CliCommandCheck.Problems(Workload("""args: ["backup", "fulll"]"""));

        Assert.Contains(problems, p => p.Contains("'backup-core backup fulll'", StringComparison.Ordinal) && p.Contains("fulll", StringComparison.Ordinal));
    }

    [Fact]
    public void MisspelledOption_IsReported()
    {
        var problems = CliCommandCheck.Problems(Workload("""args: ["backup", "full", "--coment", "nightly"]"""));

        Assert.Contains(problems, p => p.Contains("--coment", StringComparison.Ordinal));
    }

    [Fact]
    public void CommandWithoutItsSubcommand_IsReported()
    {
        Assert.NotEmpty(CliCommandCheck.Problems(Workload("""args: ["backup"]""")));
    }

    [Fact]
    public void CommandReplacingTheEntrypoint_IsParsedAfterTheExecutable()
    {
        var manifests = Workload("""
            command: ["/opt/backup-core/backup-core", "backup"]
                          args: ["full", "--comment", "nightly"]
            """);

        Assert.Equal(["backup", "full", "--comment", "nightly"], CliCommandCheck.ArgumentsOf(manifests.Containers.Single())!);
        Assert.Empty(CliCommandCheck.Problems(manifests));
    }

    [Fact]
    public void AnotherProgram_IsReported()
    {
        var problems = CliCommandCheck.Problems(Workload("""command: ["sh", "-c", "backup-core backup full"]"""));

        Assert.Equal(["inline.yaml: CronJob/nightly, container backup-core: runs 'sh -c backup-core backup full', not backup-core"], problems);
    }

    /// <summary>A CronJob whose one container has <paramref name="commandLines"/> (YAML at the container's indentation).</summary>
    private static KubernetesManifests Workload(string commandLines) => KubernetesManifests.Parse([("inline.yaml", $$"""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 2 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: backup-core
                      image: backup-core
                      {{commandLines}}
        """)]);
}
