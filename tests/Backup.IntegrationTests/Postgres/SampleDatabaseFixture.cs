using Backup.IntegrationTests.Support;

namespace Backup.IntegrationTests.Postgres;

/// <summary>One source database per test class: the rich sample, with or without its 1M-row table.</summary>
public abstract class SampleDatabaseFixture(bool big) : IAsyncLifetime
{
    public string Database { get; } = $"it_{(big ? "rich" : "small")}_{Guid.NewGuid():N}"[..24];

    public Task InitializeAsync() => SampleDatabase.CreateAsync(Database, big);

    public Task DisposeAsync() => TestServer.DropDatabaseAsync(Database);
}

public sealed class RichDatabaseFixture() : SampleDatabaseFixture(big: true);

public sealed class SmallDatabaseFixture() : SampleDatabaseFixture(big: false);
