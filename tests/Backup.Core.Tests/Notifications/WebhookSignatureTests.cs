using System.Text;
using Backup.Core.Notifications;

namespace Backup.Core.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    private const string Secret = "0123456789abcdef-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"a\":1}");

    [Fact]
    public void Create_IsStripeStyleHmacOverTimestampDotBody()
    {
        // Computed independently: python3 -c "hmac.new(b'0123456789abcdef-secret', b'1700000000.{\"a\":1}', sha256).hexdigest()"
        var header = WebhookSignature.Create(Secret, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Body);
        Assert.Equal("t=1700000000,v1=6948a2dc6985c92d09b9edade5c97dce2ba201452d91a72e4a20d35abe4d3420", header);
    }

    [Fact]
    public void Verify_AcceptsTheSignedBody_RefusesAnotherBodySecretOrTimestamp()
    {
        var header = WebhookSignature.Create(Secret, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), Body);
        Assert.True(WebhookSignature.Verify(Secret, header, Body));
        Assert.False(WebhookSignature.Verify(Secret, header, Encoding.UTF8.GetBytes("{\"a\":2}")));
        Assert.False(WebhookSignature.Verify("another-secret-of-16+", header, Body));
        Assert.False(WebhookSignature.Verify(Secret, header.Replace("t=1700000000", "t=1700000001", StringComparison.Ordinal), Body));
        Assert.False(WebhookSignature.Verify(Secret, "garbage", Body));
    }
}
