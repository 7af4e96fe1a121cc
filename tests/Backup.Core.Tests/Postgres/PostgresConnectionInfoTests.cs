using Backup.Core.Abstractions;
using Backup.Core.Postgres;

namespace Backup.Core.Tests.Postgres;

public class PostgresConnectionInfoTests
{
    [Fact]
    public void Parse_Url_ReadsEveryPartAndDecodesEscapes()
    {
        var info = PostgresConnectionInfo.Parse("postgresql://app%40corp:p%40ss%3Aw0rd%2F@db.example.com:6543/sales%20db?sslmode=require&application_name=nightly");

        Assert.Equal("db.example.com", info.Host);
        Assert.Equal(6543, info.Port);
        Assert.Equal("sales db", info.Database);
        Assert.Equal("app@corp", info.Username);
        Assert.Equal("p@ss:w0rd/", info.Password);
        Assert.Equal("require", info.SslMode);
    }

    [Fact]
    public void Parse_UrlWithoutPortOrDatabase_UsesDefaults()
    {
        var info = PostgresConnectionInfo.Parse("postgres://app@localhost");

        Assert.Equal(5432, info.Port);
        Assert.Equal("app", info.Database);
    }

    [Fact]
    public void Parse_NpgsqlConnectionString_IsAccepted()
    {
        var info = PostgresConnectionInfo.Parse("Host=10.0.0.5;Port=5433;Database=app;Username=u;Password=secret");

        Assert.Equal(("10.0.0.5", 5433, "app", "u"), (info.Host, info.Port, info.Database, info.Username));
    }

    [Fact]
    public void ToString_NeverShowsThePassword()
    {
        var info = PostgresConnectionInfo.Parse("postgresql://u:hunter2-very-secret@h/db");

        Assert.DoesNotContain("hunter2", info.ToString(), StringComparison.Ordinal);
        Assert.Equal("u@h:5432/db", info.ToString());
    }

    [Theory]
    [InlineData("postgresql://u:hunter2-very-secret@h/db?sslmode=sometimes")]
    [InlineData("Host=h;Password=hunter2-very-secret;Bogus Key=1")]
    public void Parse_Invalid_IsAConfigurationErrorNamingDatabaseUrlWithoutThePassword(string value)
    {
        var error = Assert.Throws<BackupConfigurationException>(() => PostgresConnectionInfo.Parse(value));

        Assert.Equal("DATABASE_URL", error.Setting);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
