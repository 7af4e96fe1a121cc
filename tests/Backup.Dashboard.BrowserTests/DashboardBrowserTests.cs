using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Backup.Dashboard.BrowserTests;

/// <summary>
/// The dashboard in a real headless Chromium, against a host with a real PostgreSQL database: the
/// pages show a real backup, a backup started from the page completes and shows up, a reader may
/// look but not act, nobody signed out sees data, a delete asks first. Each page is photographed
/// into the test artifacts.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan BackupTimeout = TimeSpan.FromMinutes(2);

    private readonly string _database = "it_dash_" + Guid.NewGuid().ToString("N")[..8];
    private readonly Browser _browser = new();
    private DashboardHost _host = null!;
    private BackupManifest _full = null!;

    public async Task InitializeAsync()
    {
        await TestServer.CreateDatabaseAsync(_database);
        await TestServer.ExecuteAsync(_database,
            "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric(10,2) NOT NULL); " +
            "INSERT INTO orders SELECT g, 'customer ' || g, g * 1.5 FROM generate_series(1, 5000) g");
        _host = await DashboardHost.StartAsync(_database);
        _full = await _host.Service.CreateFullBackupAsync(new() { Comment = "taken before the browser opened" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await TestServer.DropDatabaseAsync(_database);
    }

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task EveryPage_ShowsTheRealBackup_AndIsPhotographed()
    {
        var scheduler = _host.Services.GetRequiredService<IScheduler>();
        await scheduler.CreateScheduleAsync(new BackupSchedule { Id = "nightly", Name = "Nightly full", CronExpression = "0 3 * * *" });
        await _host.Service.VerifyBackupAsync(_full.Id);
        SignIn(DashboardHost.Admin);

        Open("/backup");
        Assert.Contains(_full.Id, _browser.Find("latest-backup").Text, StringComparison.Ordinal);
        Assert.Equal("svg", _browser.Find("chart").TagName == "svg" ? "svg" : _browser.Find("chart").FindElement(By.TagName("svg")).TagName);
        _browser.Screenshot("overview");

        Open("/backup/backups");
        var row = Assert.Single(_browser.FindAll("backup-row"));
        Assert.Equal(_full.Id, row.GetAttribute("data-backup-id"));
        _browser.Screenshot("backups");

        Open($"/backup/backups/{_full.Id}");
        var manifest = _browser.Find("manifest").Text;
        Assert.Contains(_full.Id, manifest, StringComparison.Ordinal);
        Assert.Contains("taken before the browser opened", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain(TestServer.Password, _browser.PageSource, StringComparison.Ordinal);
        _browser.Screenshot("backup-details");

        Open("/backup/schedules");
        var schedule = Assert.Single(_browser.FindAll("schedule-row"));
        Assert.Equal("nightly", schedule.GetAttribute("data-schedule-id"));
        Assert.Contains("0 3 * * *", schedule.Text, StringComparison.Ordinal);
        _browser.Screenshot("schedules");

        Open("/backup/retention");
        Assert.NotNull(_browser.Find("retention-plan"));
        _browser.Screenshot("retention");

        Open("/backup/drills");
        Assert.Contains("/backup/drills", _browser.Driver.Url, StringComparison.Ordinal);
        _browser.Screenshot("drills");

        foreach (var page in new[] { "overview", "backups", "backup-details", "schedules", "retention", "drills" })
        {
            Assert.True(new FileInfo(Path.Combine(Screenshots.Directory, page + ".png")).Length > 1000, $"The screenshot of {page} is empty.");
        }
    }

    [Fact]
    public async Task BackupNow_FromThePage_Completes_AndShowsUp()
    {
        SignIn(DashboardHost.Admin);
        Open("/backup");

        _browser.Find("backup-now-submit").Click();

        // The page shows the operation, running (its script polls the fragment) or, when the backup was quicker than the redirect, finished.
        _browser.WaitUntil(_ => _browser.FindAll("recent-operation").Any(o => o.GetAttribute("data-state") == "succeeded"),
            BackupTimeout, "the backup started from the page to finish, shown live on the page");
        _browser.Driver.Navigate().Refresh();
        Assert.Contains("completed", _browser.Find("latest-backup").Text, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(_full.Id, LatestBackupId());
        var started = LatestBackupId()!;
        _browser.Screenshot("overview-after-backup-now");
        var stored = await _host.Service.GetBackupAsync(started);
        Assert.Equal((BackupType.Full, BackupStatus.Completed), (stored.Type, stored.Status));

        Open("/backup/backups");
        Assert.Equal(new[] { _full.Id, started }.Order(), _browser.FindAll("backup-row").Select(r => r.GetAttribute("data-backup-id")).Order());
    }

    [Fact]
    public async Task SignedOut_SeesNoData()
    {
        foreach (var path in new[] { "/backup", "/backup/backups", $"/backup/backups/{_full.Id}", "/backup/schedules", "/backup/retention", "/backup/drills" })
        {
            Open(path);
            Assert.DoesNotContain(_full.Id, _browser.PageSource, StringComparison.Ordinal);
            Assert.Empty(_browser.FindAll("backup-row"));
            Assert.Empty(_browser.FindAll("latest-backup"));
        }
        _browser.Screenshot("signed-out");
        Assert.Single(await _host.Service.ListBackupsAsync());
    }

    [Fact]
    public async Task Reader_SeesTheBackups_ButCannotStartOne()
    {
        SignIn(DashboardHost.Reader);
        Open("/backup/backups");
        Assert.Equal(_full.Id, Assert.Single(_browser.FindAll("backup-row")).GetAttribute("data-backup-id"));

        Open("/backup");
        var buttons = _browser.FindAll("backup-now-submit");
        if (buttons.Count > 0)
        {
            // Shown or not, the action is refused on the server: the form posts under the backup policy.
            buttons[0].Click();
            // Click returns before the browser has the answer: wait until the overview (and its form) is gone.
            _browser.WaitUntil(_ => _browser.FindAll("backup-now").Count == 0, TimeSpan.FromSeconds(30), "the answer to the refused action");
            Assert.DoesNotContain(_full.Id, _browser.PageSource, StringComparison.Ordinal);
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await _host.Service.ListBackupsAsync());
    }

    [Fact]
    public async Task Delete_AsksForConfirmation_ThenDeletes()
    {
        var second = await _host.Service.CreateFullBackupAsync(new() { Comment = "to be deleted" });
        SignIn(DashboardHost.Admin);
        Open($"/backup/backups/{second.Id}");

        _browser.Find("delete").FindElement(By.CssSelector("button, input[type=submit], a")).Click();
        _browser.WaitUntil(_ => _browser.FindAll("confirm").Count == 1, TimeSpan.FromSeconds(10), "the confirmation page");
        _browser.Screenshot("delete-confirmation");
        Assert.Equal(2, (await _host.Service.ListBackupsAsync()).Count);

        _browser.Find("confirm").FindElement(By.CssSelector("button, input[type=submit]")).Click();
        _browser.WaitUntil(_ => _browser.FindAll("confirm").Count == 0, TimeSpan.FromSeconds(30), "the delete to finish");
        Assert.Equal(_full.Id, Assert.Single(await _host.Service.ListBackupsAsync(new BackupQuery { Status = BackupStatus.Completed })).Id);
        Open("/backup/backups");
        Assert.Equal(_full.Id, Assert.Single(_browser.FindAll("backup-row")).GetAttribute("data-backup-id"));
    }

    private void SignIn(string role) => Open($"/test-sign-in/{role}");

    private void Open(string path) => _browser.Open(_host.Url(path));

    private string? LatestBackupId()
    {
        var latest = _browser.FindAll("latest-backup");
        return latest.Count == 0 ? null : latest[0].GetAttribute("data-backup-id") ?? IdIn(latest[0].Text);
    }

    // A backup id looks like 20261203T201500123Z-1a2b3c4d.
    private static string? IdIn(string text) =>
        System.Text.RegularExpressions.Regex.Match(text, @"\d{8}T\d{9}Z-[0-9a-f]{8}") is { Success: true } m ? m.Value : null;
}
