using Backup.Core.TableRestores;

namespace Backup.Core.Tests.TableRestores;

/// <summary>The copies' triggers are dropped with SQL every supported server understands.</summary>
public sealed class DropTriggersSqlTests
{
    [Theory]
    [InlineData(12, false)]
    [InlineData(13, true)]
    [InlineData(17, true)]
    public void Tgparentid_IsAskedOfPostgres13On_Only(int major, bool asked) =>
        Assert.Equal(asked, TableRestoreService.DropTriggersSql(major).Contains("tgparentid", StringComparison.Ordinal));
}
