using Backup.Core.Continuous;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.IntegrationTests.Support;

/// <summary>Continuous capture run as the hosted service runs it, for a test's body, and stopped as a host stops it.</summary>
public static class CaptureRun
{
    public static async Task WithCaptureAsync(ServiceProvider provider, Func<Task> body)
    {
        var capture = provider.GetRequiredService<ContinuousCapture>();
        using var stopping = new CancellationTokenSource();
        var running = capture.RunAsync(stopping.Token);
        try
        {
            await body();
        }
        finally
        {
            await stopping.CancelAsync();
            await running;
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
