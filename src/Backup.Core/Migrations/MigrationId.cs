namespace Backup.Core.Migrations;

/// <summary>The rules for a migration id as it comes in: it is stored in manifests and shown in messages.</summary>
internal static class MigrationId
{
    /// <summary>Longer than any migrator's ids (EF Core: a 14-digit stamp and a class name), short enough for a message.</summary>
    public const int MaxLength = 200;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="parameter"/> unless <paramref name="id"/> is a valid migration id.</summary>
    public static void Validate(string? id, string parameter)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A migration id is required (e.g. EF Core's 20261203120000_AddOrders).", parameter);
        }
        if (id.Length > MaxLength)
        {
            throw new ArgumentException($"A migration id is at most {MaxLength} characters (this one has {id.Length}).", parameter);
        }
        // Control characters would forge lines in logs and the CLI's output.
        if (id.Any(char.IsControl) || id.Trim().Length != id.Length)
        {
            throw new ArgumentException("A migration id holds printable characters only, without leading or trailing spaces.", parameter);
        }
    }
}
