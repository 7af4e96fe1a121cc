using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Compression;
using Backup.Core.Pipeline;
using Backup.Core.Runs;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backup.Core.Tests.Orchestration;

/// <summary>The backup-run template alone: the handlers after a stored backup, and the rules of what a failure is.</summary>
public sealed class BackupRecorderTests
{
    private readonly MemoryStorageProvider _store = new();
    private readonly List<string> _calls = [];

    [Fact]
    public async Task StoredHandlers_RunInOrder_EachOnThePreviousOnesManifest()
    {
        var recorder = Recorder(new Marking("first", _calls), new Marking("second", _calls));

        var manifest = await recorder.RunAsync(Run(), null, Produce, null, CancellationToken.None);

        Assert.Equal(["first saw ", "second saw first"], _calls);
        Assert.Equal("first,second", manifest.Properties["marks"]);
    }

    [Fact]
    public async Task StoredHandlers_RunOnlyAfterTheManifestIsStored()
    {
        var catalog = new BackupCatalog(_store);
        var recorder = Recorder(new Checking(catalog, _calls));

        await recorder.RunAsync(Run(), null, Produce, null, CancellationToken.None);

        Assert.Equal(["stored: Completed"], _calls);
    }

    [Fact]
    public async Task SchemaChangeThatStartsANewChain_IsNoFailure_ButWithoutANewChainItIs()
    {
        Task<ProducedBackup> Changed(BackupRunContext context, CancellationToken ct) => throw new SchemaChangedException("public.orders gained a column (test)");

        await Assert.ThrowsAsync<SchemaChangedException>(() => Recorder().RunAsync(Run() with { SchemaChangeStartsNewChain = true }, null, Changed, null, CancellationToken.None));
        Assert.Empty(await new BackupCatalog(_store).ListAllAsync(null, CancellationToken.None));

        await Assert.ThrowsAsync<SchemaChangedException>(() => Recorder().RunAsync(Run(), null, Changed, null, CancellationToken.None));
        Assert.Equal(BackupStatus.Failed, Assert.Single(await new BackupCatalog(_store).ListAllAsync(null, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task EndActions_AreToldTheManifestWasNotStored_WhenTheProducerFails()
    {
        var told = new List<bool>();

        await Assert.ThrowsAsync<IOException>(() => Recorder().RunAsync(
            Run(),
            (context, ct) =>
            {
                context.OnEnd(stored => { told.Add(stored); return Task.CompletedTask; });
                return Task.CompletedTask;
            },
            (context, ct) => throw new IOException("disk gone (test)"),
            null,
            CancellationToken.None));

        Assert.Equal([false], told);
    }

    [Fact]
    public async Task AHandlerThatFailsAfterTheManifestIsStored_LeavesTheBackupComplete_AndTheLaterHandlersRun()
    {
        var recorder = Recorder(new Failing(new OperationCanceledException("host stopping (test)")), new Marking("after", _calls));

        var manifest = await recorder.RunAsync(Run(), null, Produce, null, CancellationToken.None);

        Assert.Equal(BackupStatus.Completed, manifest.Status);
        Assert.Equal(BackupStatus.Completed, (await new BackupCatalog(_store).GetAsync(manifest.Id)).Status);
        Assert.Equal(["after saw "], _calls);
    }

    [Fact]
    public async Task EveryEndActionRuns_WhenAnEarlierOneFails_AndTheFirstFailureIsThrown()
    {
        var ran = new List<string>();

        var error = await Assert.ThrowsAsync<IOException>(() => Recorder().RunAsync(
            Run(),
            (context, ct) =>
            {
                context.OnEnd(_ => { ran.Add("drop slot"); throw new IOException("server gone (test)"); });
                context.OnEnd(_ => { ran.Add("release lock"); return Task.CompletedTask; });
                return Task.CompletedTask;
            },
            Produce,
            null,
            CancellationToken.None));

        Assert.Equal("server gone (test)", error.Message);
        Assert.Equal(["drop slot", "release lock"], ran);
    }

    private static BackupRun Run() => new(BackupType.Incremental, "shop", "shop", null, null);

    private static async Task<ProducedBackup> Produce(BackupRunContext context, CancellationToken cancellationToken)
    {
        var content = await context.WriteContentAsync("capturing", null, compress: false, encrypt: null, (stream, ct) => stream.WriteAsync(new byte[] { 1, 2, 3 }, ct).AsTask(), cancellationToken);
        return new ProducedBackup(context.Completed with { Database = "shop", Content = content });
    }

    private BackupRecorder Recorder(params IBackupStoredHandler[] handlers) =>
        new(new BackupPipeline(_store, new NoCompressor()), new BackupCatalog(_store), new ActiveBackups(), null, handlers, [], TimeProvider.System, NullLogger.Instance);

    private sealed class Failing(Exception error) : IBackupStoredHandler
    {
        public Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken) => Task.FromException<BackupManifest>(error);
    }

    private sealed class Marking(string name, List<string> calls) : IBackupStoredHandler
    {
        public Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
        {
            var marks = manifest.Properties.GetValueOrDefault("marks", "");
            calls.Add($"{name} saw {marks}");
            return Task.FromResult(manifest with { Properties = new Dictionary<string, string> { ["marks"] = marks.Length == 0 ? name : marks + "," + name } });
        }
    }

    private sealed class Checking(BackupCatalog catalog, List<string> calls) : IBackupStoredHandler
    {
        public async Task<BackupManifest> OnStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
        {
            calls.Add("stored: " + (await catalog.GetAsync(manifest.Id, cancellationToken)).Status);
            return manifest;
        }
    }
}
