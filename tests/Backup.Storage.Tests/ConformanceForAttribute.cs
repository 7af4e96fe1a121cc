namespace Backup.Storage.Tests;

/// <summary>Names the store a conformance subclass covers, so that a store without one fails <see cref="ConformanceCoverageTests"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConformanceForAttribute(Type provider) : Attribute
{
    public Type Provider { get; } = provider;
}
