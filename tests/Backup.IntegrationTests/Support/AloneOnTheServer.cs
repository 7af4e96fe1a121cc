namespace Backup.IntegrationTests.Support;

/// <summary>
/// Tests that measure what the whole server does (how far a slot's restart position can move) run
/// after the parallel ones, one at a time: a long transaction of another test class holds every
/// slot's restart position back and made such a measurement fail at random.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneOnTheServer
{
    public const string Name = "Alone on the test server";
}
