using Backup.Core.Continuous;

namespace Backup.Core.Tests.Continuous;

/// <summary>Each wrong setting is refused at start with its name; the defaults pass.</summary>
public sealed class ContinuousCaptureOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var result = new ContinuousCaptureOptionsValidator().Validate(null, new ContinuousCaptureOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("FlushInterval", "00:00:00.049")]
    [InlineData("FlushInterval", "01:00:01")]
    [InlineData("MaxSegmentBytes", "65535")]
    [InlineData("IdleMarkerInterval", "00:00:00.999")]
    [InlineData("SpoolLimitMegabytes", "0")]
    [InlineData("MaxRetryDelay", "00:00:00.5")]
    [InlineData("CompactAfter", "-00:00:01")]
    public void OneBadValue_FailsNamingThatSetting(string setting, string value)
    {
        var options = new ContinuousCaptureOptions();
        var property = typeof(ContinuousCaptureOptions).GetProperty(setting)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        property.SetValue(options, type == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var result = new ContinuousCaptureOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"{ContinuousCaptureOptions.SectionName}:{setting}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void CompactAfterEmpty_IsValid_NeverCompacts()
    {
        var result = new ContinuousCaptureOptionsValidator().Validate(null, new ContinuousCaptureOptions { CompactAfter = null });

        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
