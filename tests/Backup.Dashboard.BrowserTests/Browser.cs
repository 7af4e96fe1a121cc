using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Backup.Dashboard.BrowserTests;

/// <summary>
/// A real headless Chromium driven through chromedriver, both from Debian's packages
/// (scripts/test.sh installs them): nothing is downloaded, so the paths are given to Selenium
/// rather than left to Selenium Manager, which would try to fetch a browser.
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("BACKUP_TEST_CHROMIUM") ?? "/usr/bin/chromium";
    private static readonly string DriverPath = Environment.GetEnvironmentVariable("BACKUP_TEST_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    private readonly ChromeDriver _driver;

    public Browser()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium ({ChromiumPath}) and chromedriver ({DriverPath}): scripts/test.sh installs them (apt-get install chromium chromium-driver).");
        }
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        // --no-sandbox: the tests may run as root in a container, where Chromium's sandbox cannot start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000", "--lang=en-US");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public IWebDriver Driver => _driver;

    public string PageSource => _driver.PageSource;

    public void Open(Uri url) => _driver.Navigate().GoToUrl(url);

    public IWebElement Find(string dataTest) => _driver.FindElement(By.CssSelector($"[data-test='{dataTest}']"));

    public IReadOnlyList<IWebElement> FindAll(string dataTest) => _driver.FindElements(By.CssSelector($"[data-test='{dataTest}']"));

    /// <summary>Waits until <paramref name="condition"/> holds (the page refreshes itself meanwhile).</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, TimeSpan timeout, string what)
    {
        var wait = new WebDriverWait(_driver, timeout) { PollingInterval = TimeSpan.FromMilliseconds(250), Message = what };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(condition);
    }

    /// <summary>Saves what the browser shows as a PNG among the test artifacts, and returns its path.</summary>
    public string Screenshot(string name)
    {
        var path = Path.Combine(Screenshots.Directory, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
    }
}
