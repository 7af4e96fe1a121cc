using System.Security.Cryptography;
using Backup.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Backup.Deploy.Tests;

public class EnvironmentTests
{
    private static KubernetesManifests Shipped => KubernetesManifests.Shipped;

    [Fact]
    public void ShippedManifests_SetOnlyVariablesBackupCoreReads_FromObjectsTheyDefine()
    {
        var problems = EnvironmentCheck.Problems(Shipped);

        Assert.NotEmpty(Shipped.Containers);
        ProblemAssert.None(problems);
    }

    [Fact]
    public void ShippedManifests_GiveEveryContainerTheDatabaseAndTheMountedStore()
    {
        foreach (var container in Shipped.Containers)
        {
            var environment = EnvironmentCheck.EnvironmentOf(Shipped, container);
            Assert.True(environment.ContainsKey(BackupEnvironmentVariables.DatabaseUrl), $"{container.Location}: no {BackupEnvironmentVariables.DatabaseUrl}");
            Assert.Equal("/backups", environment.GetValueOrDefault(BackupEnvironmentVariables.BackupDir));
        }
    }

    [Fact]
    public void ShippedSettings_WithARealKey_PassTheLibrarysStartChecks()
    {
        foreach (var container in Shipped.Containers)
        {
            var environment = EnvironmentCheck.EnvironmentOf(Shipped, container);
            environment[BackupEnvironmentVariables.EncryptionKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

            ValidateAtStart(environment);
        }
    }

    // secret.yaml says its placeholder key is refused at start: a cluster that applies it unchanged
    // must not back up under a key everyone can read in this repository.
    [Fact]
    public void PlaceholderKeyOfTheShippedSecret_IsRefusedAtStart()
    {
        foreach (var container in Shipped.Containers)
        {
            var environment = EnvironmentCheck.EnvironmentOf(Shipped, container);
            Assert.Equal("CHANGE-ME", environment[BackupEnvironmentVariables.EncryptionKey]);

            var error = Assert.Throws<OptionsValidationException>(() => ValidateAtStart(environment));
            Assert.Contains("encryption key", error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void MisspelledVariableInAConfigMap_IsReported()
    {
        var manifests = KubernetesManifests.Parse([("inline.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {BACKUP_RETENTION_DAY: "30", BACKUP_DIR: /backups}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              template:
                spec:
                  containers:
                    - name: backup-core
                      args: [backup, full]
                      envFrom: [{configMapRef: {name: settings}}]
                      env: [{name: DATABASE_URI, value: "postgresql://x"}]
            """)]);

        var problems = EnvironmentCheck.Problems(manifests);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("sets BACKUP_RETENTION_DAY,", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("env sets DATABASE_URI,", StringComparison.Ordinal));
    }

    [Fact]
    public void ReferenceToASecretOrKeyTheManifestsDoNotDefine_IsReported()
    {
        var manifests = KubernetesManifests.Parse([("inline.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: {name: database}
            stringData: {url: "postgresql://x"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: scheduler}
            spec:
              template:
                spec:
                  containers:
                    - name: backup-core
                      args: [run]
                      envFrom: [{secretRef: {name: backup-secrets}}]
                      env:
                        - name: DATABASE_URL
                          valueFrom: {secretKeyRef: {name: database, key: uri}}
            """)]);

        var problems = EnvironmentCheck.Problems(manifests);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("envFrom Secret/backup-secrets", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("key 'uri' of Secret/database", StringComparison.Ordinal));
    }

    private static void ValidateAtStart(Dictionary<string, string> environment)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FixedEnvironment(environment));
        services.AddBackupSystem();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>The container's environment instead of the test process's.</summary>
    private sealed class FixedEnvironment(Dictionary<string, string> variables) : BackupEnvironment
    {
        public override string? GetVariable(string name) => variables.GetValueOrDefault(name);
    }
}
