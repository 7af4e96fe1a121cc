namespace Backup.Core.Operations;

/// <summary>
/// One object of the backup that a partial restore (<see cref="RestoreOptions.Tables"/>) brings in
/// although it was not chosen, or leaves out, and why.
/// </summary>
/// <param name="Kind">What it is: <c>table</c>, <c>partition</c>, <c>view</c>, <c>materialized view</c>, <c>foreign key</c>, <c>function</c>, <c>type</c>, ...</param>
/// <param name="Name">Its qualified name (a foreign key: <c>name on schema.table</c>).</param>
/// <param name="Reason">Why it is brought in or left out.</param>
public sealed record RestoreObject(string Kind, string Name, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} {Name}: {Reason}";
}
