using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

/// <summary>The SQL a part is copied with and the pg_dump arguments that leave the parts' tables out.</summary>
public sealed class PlannedPartTests
{
    [Fact]
    public void CopyOutSql_WholeTable_CopiesTheTableItselfWithItsColumns()
    {
        var part = new PlannedPart("sales", "orders", "id, \"Total\"", null, null, 3);

        Assert.Equal("COPY \"sales\".\"orders\" (id, \"Total\") TO STDOUT", part.CopyOutSql());
    }

    [Fact]
    public void CopyOutSql_MiddleRange_SelectsOnlyTheTablesOwnRowsOfThosePages()
    {
        var part = new PlannedPart("public", "big", "id, v", 128, 256, 128);

        Assert.Equal("COPY (SELECT id, v FROM ONLY \"public\".\"big\" WHERE ctid >= '(128,0)'::tid AND ctid < '(256,0)'::tid) TO STDOUT", part.CopyOutSql());
    }

    [Fact]
    public void CopyOutSql_LastRange_IsOpenEnded()
    {
        var part = new PlannedPart("public", "big", "id", 256, null, 40);

        Assert.Equal("COPY (SELECT id FROM ONLY \"public\".\"big\" WHERE ctid >= '(256,0)'::tid) TO STDOUT", part.CopyOutSql());
    }

    [Fact]
    public void CopyOutSql_OddNames_AreQuotedWithQuotesDoubled()
    {
        var part = new PlannedPart("odd.schema", "Range \"2024\"", "id", 0, 10, 10);

        Assert.Equal("COPY (SELECT id FROM ONLY \"odd.schema\".\"Range \"\"2024\"\"\" WHERE ctid >= '(0,0)'::tid AND ctid < '(10,0)'::tid) TO STDOUT", part.CopyOutSql());
        Assert.Equal("odd.schema.Range \"2024\"", part.Name);
    }

    [Fact]
    public void ExcludeDataArguments_OneLiteralPatternPerTable_QuotedSoDotsCaseAndWildcardsMeanThemselves()
    {
        PlannedPart[] parts =
        [
            new("public", "big", "id", 0, 10, 10),
            new("public", "big", "id", 10, null, 10),
            new("odd.schema", "Mixed\"Case*", "id", null, null, 5),
        ];

        Assert.Equal(
            ["--exclude-table-data=\"public\".\"big\"", "--exclude-table-data=\"odd.schema\".\"Mixed\"\"Case*\""],
            TablePartPlan.ExcludeDataArguments(parts));
    }
}
