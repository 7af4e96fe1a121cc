using System.Diagnostics;
using Backup.Core.Catalog;
using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>
/// The quick start is a one-shot process: Ctrl+C (SIGINT) or SIGTERM must cancel the running step
/// and leave nothing half-done — no backup listed as complete, no half-restored database.
/// </summary>
public sealed class QuickStartCancellationTests(RichDatabaseFixture source) : IClassFixture<RichDatabaseFixture>, IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly string _key = Services.NewKey();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Sigint_WhileTheBackupRuns_ExitsWith130AndNothingIsListedAsComplete()
    {
        // A lock pg_dump must wait for holds the backup at a known point.
        await using var blocker = new Npgsql.NpgsqlConnection(TestServer.ConnectionString(source.Database));
        await blocker.OpenAsync();
        await using (var lockTable = new Npgsql.NpgsqlCommand("BEGIN; LOCK TABLE public.big IN ACCESS EXCLUSIVE MODE", blocker))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        using var quickStart = QuickStart.Start(source.Database, _store.Path, _key);
        await quickStart.WaitForAsync(() => WaitingOnLockAsync(source.Database));

        quickStart.Signal("INT");
        var exitCode = await quickStart.ExitCodeAsync();
        await using (var release = new Npgsql.NpgsqlCommand("ROLLBACK", blocker))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{quickStart.Output}");
        Assert.Contains("Cancelled", quickStart.Output, StringComparison.Ordinal);
        using var provider = Services.Build(TestServer.ConnectionString(source.Database), _store.Path, _key);
        var listed = await provider.Service().ListBackupsAsync();
        Assert.DoesNotContain(listed, m => m.Status == BackupStatus.Completed);
        Assert.Contains(listed, m => m.Status == BackupStatus.Failed && m.Error == "cancelled");
        Assert.DoesNotContain(_store.AllFiles(), f => f.StartsWith("database/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sigterm_WhileTheRestoreRuns_ExitsWith130AndDropsTheHalfRestoredDatabase()
    {
        var restoredPrefix = source.Database + "_restored_";
        using var quickStart = QuickStart.Start(source.Database, _store.Path, _key);
        await quickStart.WaitForAsync(async () => await RestoredDatabasesAsync(restoredPrefix) > 0);

        quickStart.Signal("TERM");
        var exitCode = await quickStart.ExitCodeAsync();

        Assert.True(exitCode == 130, $"exit code {exitCode}; output:\n{quickStart.Output}");
        Assert.Contains("3. Restore", quickStart.Output, StringComparison.Ordinal);
        Assert.Equal(0, await RestoredDatabasesAsync(restoredPrefix));
    }

    private static async Task<bool> WaitingOnLockAsync(string database) =>
        await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND wait_event_type = 'Lock'") > 0;

    private static async Task<long> RestoredDatabasesAsync(string prefix) =>
        await TestServer.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE starts_with(datname, '{prefix}')");

    /// <summary>samples/QuickStart as a child process, configured only by the environment, as scripts/quickstart.sh runs it.</summary>
    private sealed class QuickStart : IDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _output = new();

        private QuickStart(Process process) => _process = process;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static QuickStart Start(string database, string store, string key)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(SampleAssembly());
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("BACKUP_", StringComparison.Ordinal) || k == "DATABASE_URL").ToList())
            {
                info.Environment.Remove(name);
            }
            info.Environment["DATABASE_URL"] = TestServer.Url(database);
            info.Environment["BACKUP_DIR"] = store;
            info.Environment["BACKUP_ENCRYPTION_KEY"] = key;
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            var quickStart = new QuickStart(new Process { StartInfo = info });
            quickStart._process.OutputDataReceived += (_, e) => quickStart.Keep(e.Data);
            quickStart._process.ErrorDataReceived += (_, e) => quickStart.Keep(e.Data);
            quickStart._process.Start();
            quickStart._process.BeginOutputReadLine();
            quickStart._process.BeginErrorReadLine();
            return quickStart;
        }

        /// <summary>Polls until <paramref name="condition"/> holds; fails if the process ends or a minute passes first.</summary>
        public async Task WaitForAsync(Func<Task<bool>> condition)
        {
            var deadline = Stopwatch.StartNew();
            while (!await condition())
            {
                Assert.False(_process.HasExited, $"the quick start ended (exit code {(_process.HasExited ? _process.ExitCode : 0)}) before the point to cancel at; output:\n{Output}");
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(1), $"the point to cancel at was not reached in a minute; output:\n{Output}");
                await Task.Delay(20);
            }
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }

        public async Task<int> ExitCodeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        // Built with the solution, into samples/QuickStart/bin/<configuration>/<framework>/ like this project's output.
        private static string SampleAssembly()
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var repository = output;
            while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "Backup.Core.sln")))
            {
                repository = repository.Parent;
            }
            Assert.NotNull(repository);
            var path = Path.Combine(repository.FullName, "samples", "QuickStart", "bin", output.Parent!.Name, output.Name, "QuickStart.dll");
            Assert.True(File.Exists(path), $"{path} is missing: build the solution first (scripts/test.sh does).");
            return path;
        }
    }
}
