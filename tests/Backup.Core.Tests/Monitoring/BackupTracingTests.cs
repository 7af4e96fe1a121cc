using System.Collections.Concurrent;
using System.Diagnostics;
using Backup.Core.Diagnostics;
using Backup.Core.Operations;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Core.Tests.Monitoring;

/// <summary>The spans of the activity source <see cref="BackupTracing.SourceName"/>, as a tracer would record them.</summary>
public sealed class BackupTracingTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public BackupTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == BackupTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), "content");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _store.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Backup_IsASpanWithItsProduceAndManifestPhases_ThenVerifyIsASpan()
    {
        await using var provider = FileOnlyHost.Build(_store.Path, null);
        var service = provider.GetRequiredService<BackupService>();

        var backup = await service.CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });
        await service.VerifyBackupAsync(backup.Id);

        // Other tests run meanwhile and trace too: only this backup's spans are looked at.
        var spans = _stopped.Where(a => (string?)a.GetTagItem("backup.id") == backup.Id).ToList();
        var root = Assert.Single(spans, a => a.OperationName == "backup");
        Assert.Equal(("files", backup.StoredBytes, ActivityStatusCode.Unset), ((string?)root.GetTagItem("backup.type"), (long?)root.GetTagItem("backup.stored_bytes"), root.Status));
        Assert.Null(root.Parent);
        Assert.Equal(
            ["backup.manifest", "backup.produce"],
            spans.Where(a => a.ParentSpanId == root.SpanId).Select(a => a.OperationName).Order(StringComparer.Ordinal));
        var verify = Assert.Single(spans, a => a.OperationName == "verify");
        Assert.Equal(ActivityStatusCode.Unset, verify.Status);
    }

    [Fact]
    public async Task FailedBackup_SetsTheSpansStatusToError()
    {
        await using var provider = FileOnlyHost.Build(_store.Path, null);
        var service = provider.GetRequiredService<BackupService>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            service.CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] }, cancellationToken: new CancellationToken(canceled: true)));
        var failed = Assert.Single(await service.ListBackupsAsync());

        var root = Assert.Single(_stopped, a => a.OperationName == "backup" && (string?)a.GetTagItem("backup.id") == failed.Id);
        Assert.Equal((ActivityStatusCode.Error, "cancelled"), (root.Status, root.StatusDescription));
    }
}
