using System.Text.Json;
using Backup.Core.Abstractions;
using Backup.Core.Changes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Changes;

/// <summary>How a recorded query text is split and judged before replay runs it.</summary>
public class SchemaChangeScriptTests
{
    [Fact]
    public void Split_KeepsSemicolonsInsideQuotesDollarQuotesAndComments()
    {
        var text = """
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            COMMENT ON TABLE t IS 'a; b' ; -- trailing; comment
            ALTER TABLE "odd;name" ADD COLUMN c text DEFAULT E'x\';y' /* nested /* ; */ still */;
            ;
            """;

        var statements = SchemaChangeScript.Split(text);

        Assert.Equal(3, statements.Count);
        Assert.StartsWith("CREATE FUNCTION", statements[0], StringComparison.Ordinal);
        Assert.EndsWith("$body$", statements[0], StringComparison.Ordinal);
        Assert.Equal("COMMENT ON TABLE t IS 'a; b'", statements[1]);
        Assert.Contains("still */", statements[2], StringComparison.Ordinal);
    }

    // Any statements joined with semicolons split back into themselves.
    [Property(MaxTest = 200)]
    public Property Split_OfJoinedStatements_GivesThemBack()
    {
        var pieces = Gen.Elements(
            "ALTER TABLE a ADD COLUMN b int", "COMMENT ON COLUMN a.b IS 'x;y'", "CREATE TABLE \"se;mi\" (id int)",
            "CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$", "DROP INDEX i -- gone; really\n");
        return Prop.ForAll(Gen.NonEmptyListOf(pieces).ToArbitrary(), list =>
        {
            var split = SchemaChangeScript.Split(string.Join(";\n", list));
            return split.SequenceEqual(list.Select(s => s.Trim()));
        });
    }

    [Theory]
    [InlineData("CREATE INDEX CONCURRENTLY i ON t (c)", "CREATE INDEX i ON t (c)")]
    [InlineData("drop index concurrently if exists i", "drop index if exists i")]
    [InlineData("ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY", "ALTER TABLE p DETACH PARTITION p1")]
    [InlineData("REFRESH MATERIALIZED VIEW CONCURRENTLY v", "REFRESH MATERIALIZED VIEW CONCURRENTLY v")]
    [InlineData("SET lock_timeout = '5s'", "SET LOCAL lock_timeout = '5s'")]
    [InlineData("SET SESSION statement_timeout = 0", "SET LOCAL statement_timeout = 0")]
    [InlineData("SET LOCAL work_mem = '64MB'", "SET LOCAL work_mem = '64MB'")]
    public void Statements_AreRewrittenToRunInsideReplaysTransaction(string statement, string expected)
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", statement));

        Assert.Null(script.Unreplayable);
        Assert.Equal([expected], script.Statements);
    }

    [Fact]
    public void TransactionControlIsDropped_MaintenanceAndClusterWideStatementsAreSkippedWithAReason()
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", "BEGIN; ALTER TABLE t ADD c int; CREATE ROLE r; VACUUM t; COMMIT"));

        Assert.Null(script.Unreplayable);
        Assert.Equal(["ALTER TABLE t ADD c int"], script.Statements);
        Assert.Equal(2, script.Skipped.Count);
        Assert.Contains("CREATE ROLE r", script.Skipped[0], StringComparison.Ordinal);
        Assert.Contains("maintenance", script.Skipped[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ALTER TABLE t ADD c int; INSERT INTO t VALUES (1)", "INSERT INTO t")]
    [InlineData("DO $$ BEGIN ALTER TABLE t ADD c int; UPDATE t SET c = 1; END $$", "DO $$")]
    [InlineData("DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD c int'; END $$", "DO $$")]
    [InlineData("SELECT make_tables()", "SELECT make_tables()")]
    public void TextsThatAlsoChangeRows_AreUnreplayable_NamingTheStatement(string text, string named)
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", text));

        Assert.NotNull(script.Unreplayable);
        Assert.Contains(named, script.Unreplayable, StringComparison.Ordinal);
        Assert.Contains("twice", script.Unreplayable, StringComparison.Ordinal);
    }

    [Fact]
    public void ADdlOnlyDoBlock_AndSelectInto_AreReplayed()
    {
        Assert.Null(SchemaChangeScript.Of(Change("ALTER TABLE", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'x') THEN ALTER TABLE t ADD c int; END IF; END $$")).Unreplayable);
        Assert.Equal(["SELECT * INTO copy FROM t"], SchemaChangeScript.Of(Change("SELECT INTO", "SELECT * INTO copy FROM t;")).Statements);
    }

    [Fact]
    public void Parse_ReadsTheTriggersMessage_AndRefusesAnythingElse()
    {
        var change = Change("ALTER TABLE", "ALTER TABLE t ADD c int");

        Assert.Equal(("ALTER TABLE", "ALTER TABLE t ADD c int", "\"$user\", public", "app"), (change.Tag, change.Statement, change.SearchPath, change.Role));
        Assert.Equal("id:23,c:23", change.Shapes["public.t"]);
        Assert.Equal([("table", "public.t")], change.Objects);
        Assert.True(change.SameQueryAs(SchemaChange.Parse(change.Json)));
        Assert.Throws<BackupIntegrityException>(() => SchemaChange.Parse("{\"tag\": \"ALTER TABLE\"}"));
        Assert.Throws<BackupIntegrityException>(() => SchemaChange.Parse("not json"));
    }

    [Theory]
    [InlineData("CREATE TABLE lp (id int); RESET ROLE; DO $$ BEGIN ALTER ROLE lp SUPERUSER; END $$", "changes the role")]
    [InlineData("SET ROLE admin; ALTER TABLE t ADD c int", "changes the role")]
    [InlineData("SET SESSION AUTHORIZATION admin; ALTER TABLE t ADD c int", "changes the role")]
    [InlineData("BEGIN; ALTER TABLE t ADD a int; COMMIT; BEGIN; ALTER TABLE t ADD b int; COMMIT", "transaction control inside")]
    [InlineData("BEGIN; ALTER TABLE t ADD a int; SAVEPOINT s; ALTER TABLE t ADD b int; ROLLBACK TO SAVEPOINT s; COMMIT", "transaction control inside")]
    [InlineData("DO $$ DECLARE n int; BEGIN n := make_rows(); ALTER TABLE t ADD c int; END $$", "calls code")]
    [InlineData("DO $$ DECLARE n int; BEGIN SELECT make_rows() INTO n; ALTER TABLE t ADD c int; END $$", "calls code")]
    public void TextsThatCouldDoMoreOnReplayThanOnTheSource_AreUnreplayable(string text, string why)
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", text));

        Assert.NotNull(script.Unreplayable);
        Assert.Contains(why, script.Unreplayable, StringComparison.Ordinal);
    }

    [Fact]
    public void ResetBecomesTransactionLocal_ResetAllIsSkipped()
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", "RESET lock_timeout; RESET ALL; ALTER TABLE t ADD c int"));

        Assert.Equal(["SET LOCAL lock_timeout TO DEFAULT", "ALTER TABLE t ADD c int"], script.Statements);
        Assert.Contains("RESET ALL", Assert.Single(script.Skipped), StringComparison.Ordinal);
    }

    [Fact]
    public void Split_KeepsASqlStandardFunctionBodyWhole()
    {
        var statements = SchemaChangeScript.Split("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC UPDATE t SET x = CASE WHEN x > 1 THEN 1 ELSE 2 END; SELECT 1; END; ALTER TABLE t ADD c int");

        Assert.Equal(2, statements.Count);
        Assert.EndsWith("SELECT 1; END", statements[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2 public.orders", "ALTER TABLE orders ADD COLUMN u uuid DEFAULT gen_random_uuid()", "computed per row")]
    [InlineData("4 public.orders", "ALTER TABLE orders ALTER COLUMN code TYPE text USING md5(random()::text)", "md5")]
    public void RewritesThatComputeValues_AreUnreplayable(string rewrite, string text, string why)
    {
        var script = SchemaChangeScript.Of(Change("ALTER TABLE", text, rewrite));

        Assert.Contains(why, script.Unreplayable, StringComparison.Ordinal);
    }

    [Fact]
    public void ARewriteByCast_IsReplayed_AndSecretsAreMaskedInMessages()
    {
        Assert.Null(SchemaChangeScript.Of(Change("ALTER TABLE", "ALTER TABLE orders ALTER COLUMN code TYPE numeric(10,2) USING code::numeric(10,2)", "4 public.orders")).Unreplayable);
        var secret = Change("CREATE USER MAPPING", "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'hunter2')");
        Assert.DoesNotContain("hunter2", secret.Redacted, StringComparison.Ordinal);
        Assert.Contains("user 'app'", secret.Redacted, StringComparison.Ordinal);
    }

    private static SchemaChange Change(string tag, string query, string rewrite = "") => SchemaChange.Parse(JsonSerializer.Serialize(new
    {
        rewrite,
        tag,
        query,
        searchPath = "\"$user\", public",
        role = "app",
        statementTime = "2026-12-03T10:00:00.123456+00:00",
        objects = new[] { new { type = "table", identity = "public.t" } },
        shapes = new Dictionary<string, string> { ["public.t"] = "id:23,c:23" },
    }));
}
