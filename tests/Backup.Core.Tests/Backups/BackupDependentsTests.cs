using Backup.Core.Abstractions;
using Backup.Core.Backups;
using Backup.Core.Catalog;

namespace Backup.Core.Tests.Backups;

/// <summary>
/// Dependents follow the chain as recovery walks it: the links after a merged segment continue its
/// last source (deleted), and a compaction's leftover source has none of the links the merged segment reaches.
/// </summary>
public sealed class BackupDependentsTests
{
    private const string Full = "20240501T010000000Z-0000000a";
    private const string S1 = "20240501T020000000Z-0000000b";
    private const string S2 = "20240501T030000000Z-0000000c";
    private const string S3 = "20240501T040000000Z-0000000d";
    private const string Merged = "20240501T050000000Z-0000000e";
    private const string D = "20240501T060000000Z-0000000f";
    private const string E = "20240501T070000000Z-00000010";

    [Fact]
    public void MergedSegment_HasTheLinksAfterItsLastSource_AsDependents()
    {
        var all = Chain(withLeftovers: false);

        Assert.Equal([E, D], BackupDependents.Of(Merged, all).Select(b => b.Id));
        Assert.Equal([E, D, Merged], BackupDependents.Of(Full, all).Select(b => b.Id));
        Assert.Equal([E], BackupDependents.Of(D, all).Select(b => b.Id));
    }

    [Fact]
    public void LeftoverSource_HasOnlyTheOtherLeftoversAsDependents_NotTheLinksTheMergedSegmentReaches()
    {
        var all = Chain(withLeftovers: true);

        Assert.Equal([S3], BackupDependents.Of(S2, all).Select(b => b.Id));
        Assert.Empty(BackupDependents.Of(S3, all));
        Assert.Equal([E, D], BackupDependents.Of(Merged, all).Select(b => b.Id));
    }

    // Full, then S1..S3 merged into Merged (S1 already deleted), then D (taken when S3 was the last link) and E.
    private static List<BackupManifest> Chain(bool withLeftovers)
    {
        List<BackupManifest> all =
        [
            Manifest(Full, BackupType.Full, null, "0/100"),
            Manifest(Merged, BackupType.Incremental, Full, "0/400", new Dictionary<string, string> { [ManifestProperties.CompactedLast] = S3 }),
            Manifest(D, BackupType.Incremental, S3, "0/500"),
            Manifest(E, BackupType.Incremental, D, "0/600"),
        ];
        if (withLeftovers)
        {
            all.Add(Manifest(S2, BackupType.Incremental, S1, "0/300"));
            all.Add(Manifest(S3, BackupType.Incremental, S2, "0/400"));
        }
        return all;
    }

    private static BackupManifest Manifest(string id, BackupType type, string? parent, string endLsn, Dictionary<string, string>? properties = null) => new()
    {
        Id = id,
        Type = type,
        Status = BackupStatus.Completed,
        Database = "shop",
        StartedAt = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero),
        SnapshotAt = new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero),
        ChainId = Full,
        ParentId = parent,
        EndLsn = endLsn,
        Properties = properties ?? new Dictionary<string, string>(),
    };
}
