using Backup.Core.Streams;

namespace Backup.Core.Tests.Streams;

public sealed class ConcatenatedStreamTests
{
    private sealed class TrackedStream(byte[] bytes, List<string> log, string name) : MemoryStream(bytes)
    {
        protected override void Dispose(bool disposing)
        {
            log.Add("closed " + name);
            base.Dispose(disposing);
        }
    }

    private static Func<CancellationToken, Task<Stream>> Part(string text, List<string> log) => _ =>
    {
        log.Add("opened " + text);
        return Task.FromResult<Stream>(new TrackedStream(System.Text.Encoding.ASCII.GetBytes(text), log, text));
    };

    [Fact]
    public async Task Parts_ReadInOrder_EachOpenedOnlyAfterThePreviousEndedAndClosed()
    {
        var log = new List<string>();
        await using var stream = new ConcatenatedStream([Part("abc", log), Part("", log), Part("de", log)]);
        using var output = new MemoryStream();

        await stream.CopyToAsync(output, 2);

        Assert.Equal("abcde", System.Text.Encoding.ASCII.GetString(output.ToArray()));
        Assert.Equal(["opened abc", "closed abc", "opened ", "closed ", "opened de", "closed de"], log);
    }

    [Fact]
    public async Task NoParts_IsEmpty_AndNothingOpensBeforeTheFirstRead()
    {
        var log = new List<string>();
        await using var lazy = new ConcatenatedStream([Part("x", log)]);
        Assert.Empty(log);

        await using var empty = new ConcatenatedStream([]);
        Assert.Equal(0, await empty.ReadAsync(new byte[4]));
    }

    [Fact]
    public async Task DisposedMidway_ClosesTheOpenPart_OpensNoMore()
    {
        var log = new List<string>();
        var stream = new ConcatenatedStream([Part("abc", log), Part("de", log)]);
        Assert.Equal(1, await stream.ReadAsync(new byte[1]));

        await stream.DisposeAsync();

        Assert.Equal(["opened abc", "closed abc"], log);
    }

    [Fact]
    public void SyncRead_Works_AndTheStreamIsReadOnlyForward()
    {
        var log = new List<string>();
        using var stream = new ConcatenatedStream([Part("ab", log), Part("c", log)]);
        var buffer = new byte[8];

        Assert.Equal(2, stream.Read(buffer, 0, 8));
        Assert.Equal(1, stream.Read(buffer, 2, 6));
        Assert.Equal(0, stream.Read(buffer, 3, 5));
        Assert.Equal("abc", System.Text.Encoding.ASCII.GetString(buffer, 0, 3));
        Assert.False(stream.CanSeek || stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
    }
}
