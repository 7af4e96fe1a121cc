using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Migrations;

namespace Backup.Core.Tests.Migrations;

/// <summary>The stored form of pre-migration points: which moment each kind of manifest stands for, and which ids are valid.</summary>
public sealed class MigrationMarkTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Read_EachKindOfMark_GivesItsMoment()
    {
        var snapshot = Started.AddSeconds(2);
        var marked = Started.AddMinutes(5);
        var full = new BackupManifest
        {
            Id = "f", Type = BackupType.Full, Status = BackupStatus.Completed, StartedAt = Started, SnapshotAt = snapshot,
            Properties = new Dictionary<string, string> { ["before-migration"] = "A", ["before-migration:C"] = ManifestProperties.Timestamp(marked) },
        };
        var incremental = new BackupManifest
        {
            Id = "i", Type = BackupType.Incremental, Status = BackupStatus.Completed, StartedAt = Started.AddMinutes(1),
            Properties = new Dictionary<string, string> { ["before-migration"] = "B", ["before-migration:D"] = "not on an incremental" },
        };

        var marks = MigrationMark.Read([full, incremental]).OrderBy(m => m.MigrationId).Select(m => (m.MigrationId, m.At, m.Backup.Id)).ToList();

        Assert.Equal([("A", snapshot, "f"), ("B", Started.AddMinutes(1), "i"), ("C", marked, "f")], marks);
    }

    [Theory]
    [InlineData("20261203120000_AddTags", true)]
    [InlineData("V42__add tags", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("a\tb", false)]
    [InlineData("a\u0085b", false)]
    [InlineData("trailing ", false)]
    public void Validate_AcceptsPrintableIdsOnly(string id, bool valid)
    {
        var error = Record.Exception(() => MigrationId.Validate(id, "migrationId"));

        Assert.Equal(valid, error is null);
        Assert.True(error is null or ArgumentException { ParamName: "migrationId" });
    }

    [Fact]
    public void Validate_RefusesMoreThan200Characters()
    {
        MigrationId.Validate(new string('x', 200), "migrationId");

        Assert.Throws<ArgumentException>(() => MigrationId.Validate(new string('x', 201), "migrationId"));
    }
}
