using Backup.Core.Abstractions;
using Backup.Core.Changes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Backup.Core.Tests.Changes;

public class ChangeSegmentProperties
{
    // Values that trip text handling: empty vs NULL, unicode, escapes, numeric and array text, long TOAST-sized text.
    private static readonly Gen<ColumnValue> Values = Gen.Frequency(
        (2, Gen.Constant(ColumnValue.Null)),
        (1, Gen.Constant(ColumnValue.UnchangedToast)),
        (1, Gen.Constant(ColumnValue.Of(""))),
        (3, Gen.Elements("0", "-1.500000000000000000001", "NaN", "{1,NULL,\"a b\"}", "\\x00ff", "{\"a\": [1, 2]}", "2026-03-29 01:30:00.123456+01", "zoë 李雷 🙂", "tab\there\nnewline \\ back")
            .Select(ColumnValue.Of)),
        (1, Gen.Choose(0, 300_000).Select(n => ColumnValue.Of(new string('x', n)))),
        (2, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Any(char.IsSurrogate)).Select(ColumnValue.Of)));

    private static readonly Gen<ColumnValue[]> Tuples = Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Values, n));

    private static readonly Gen<RowChange> Changes = Gen.OneOf(
        from oid in Gen.Choose(1, 5) from row in Tuples select (RowChange)new InsertChange((uint)oid, row),
        from oid in Gen.Choose(1, 5) from hasKey in ArbMap.Default.GeneratorFor<bool>() from key in Tuples from row in Tuples
        select (RowChange)new UpdateChange((uint)oid, hasKey ? key : null, row),
        from oid in Gen.Choose(1, 5) from key in Tuples select (RowChange)new DeleteChange((uint)oid, key),
        from oids in Gen.ArrayOf(Gen.Choose(1, 5).Select(i => (uint)i)) from cascade in ArbMap.Default.GeneratorFor<bool>() from restart in ArbMap.Default.GeneratorFor<bool>()
        select (RowChange)new TruncateChange(oids, cascade, restart));

    private static readonly Gen<SegmentItem[]> Transaction =
        from xid in Gen.Choose(1, int.MaxValue)
        from lsn in Gen.Choose(0, int.MaxValue).Select(l => (ulong)l << 8)
        from micros in Gen.Choose(0, int.MaxValue).Select(m => (long)m * 1_000_003)
        from changes in Gen.ListOf(Changes)
        select new SegmentItem[] { new BeginItem((uint)xid, lsn, DateTimeOffset.UnixEpoch.AddTicks(micros * 10)) }
            .Concat(changes.Select(c => new ChangeItem(c)))
            .Append(new CommitItem((uint)xid, lsn))
            .ToArray();

    private static readonly Gen<SegmentItem[]> Relations =
        from oid in Gen.Choose(1, 5)
        from identity in Gen.Elements('d', 'f', 'i', 'n')
        from columns in Gen.ListOf(
            from name in Gen.Elements("id", "Name With Space", "ünïcode", "\"quoted\"", "")
            from type in Gen.Elements(20u, 23u, 25u, 1700u, 17u, 3802u, 1184u, 1007u)
            from mod in Gen.Choose(-1, 100_000)
            from key in ArbMap.Default.GeneratorFor<bool>()
            from typeName in Gen.Elements("integer", "numeric(12,2)", "public.\"Mood ü\"", "text[]", "")
            select new SegmentColumn(name, type, mod, key, typeName))
        select new SegmentItem[] { new RelationItem(new SegmentRelation((uint)oid, "sales", "orders " + oid, identity, columns.ToArray())) };

    private static readonly Gen<SegmentItem[]> Partitions =
        from name in Gen.Elements("payment_p2027_01", "Payment \"2027\" ü", "")
        from bound in Gen.Elements("FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00')", "DEFAULT", "FOR VALUES IN (1, 2)")
        from partitionBy in Gen.Elements("", "RANGE (payment_date)", "LIST (region)")
        select new SegmentItem[] { new PartitionItem(new SegmentPartition("public", name, "public", "payment", bound, partitionBy)) };

    private static Arbitrary<SegmentItem[]> Segments =>
        Gen.ListOf(Gen.Frequency(
                (1, Partitions),
                (2, Relations),
                (5, Transaction),
                (1, from value in Gen.Choose(int.MinValue, int.MaxValue) from called in ArbMap.Default.GeneratorFor<bool>()
                    select new SegmentItem[] { new SequenceItem("public", "seq", (long)value * 3, called) })))
            .Select(parts => parts.SelectMany(p => p).ToArray())
            .ToArbitrary();

    [Property(MaxTest = 100)]
    public Property WriteThenRead_AnySegment_ReturnsTheSameItemsAndTheEnd() =>
        Prop.ForAll(Segments, items =>
        {
            var bytes = Write(items, endLsn: 42);
            var read = Read(bytes);
            var end = (EndItem)read[^1];
            return read[..^1].SequenceEqual(items)
                && end == new EndItem(items.Count(i => i is CommitItem), items.Count(i => i is ChangeItem), 42);
        });

    [Property(MaxTest = 100)]
    public Property AnyTruncation_FailsWithIntegrityError() =>
        Prop.ForAll(Segments, Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (items, cut) =>
        {
            var bytes = Write(items, endLsn: 1);
            return FailsIntegrity(bytes[..(cut % bytes.Length)]);
        });

    [Property(MaxTest = 50)]
    public Property AppendedBytes_FailWithIntegrityError() =>
        Prop.ForAll(Segments, Gen.Choose(1, 100).ToArbitrary(), (items, extra) =>
            FailsIntegrity([.. Write(items, endLsn: 1), .. new byte[extra]]));

    [Fact]
    public async Task Write_ChangeOutsideATransaction_IsRefused()
    {
        var writer = new ChangeSegmentWriter(new MemoryStream());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new ChangeItem(new InsertChange(1, []))).AsTask());
    }

    [Fact]
    public async Task Read_EndCountsThatDoNotMatch_FailWithIntegrityError()
    {
        var bytes = Write([new BeginItem(1, 1, DateTimeOffset.UnixEpoch), new ChangeItem(new DeleteChange(1, [])), new CommitItem(1, 1)], endLsn: 1);
        // The end record's payload is its last 24 bytes: transactions, changes, LSN.
        bytes[^16] = 9;

        var error = await Assert.ThrowsAsync<BackupIntegrityException>(async () => await new ChangeSegmentReader(new MemoryStream(bytes)).ReadAllAsync().ToListAsync());
        Assert.Contains("changes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Version2Segment_IsReadAndMayNotHoldPartitionRecords()
    {
        var relation = new SegmentRelation(3, "public", "t", 'd', [new SegmentColumn("id", 23, -1, true, "integer")]);
        var version2 = Write([new RelationItem(relation)], endLsn: 1);
        "BKCHSEG2"u8.CopyTo(version2);
        var withPartition = Write([new PartitionItem(new SegmentPartition("public", "p", "public", "t", "DEFAULT"))], endLsn: 1);
        "BKCHSEG2"u8.CopyTo(withPartition);

        Assert.Equal(new RelationItem(relation), Read(version2)[0]);
        Assert.True(FailsIntegrity(withPartition));
    }

    [Fact]
    public void Read_Version1Segment_HasRelationsWithoutTypeNames()
    {
        var relation = new SegmentRelation(3, "public", "t", 'd', [new SegmentColumn("id", 23, -1, true)]);
        var version2 = Write([new RelationItem(relation)], endLsn: 1);
        // Version 1 is version 2 (and 3, without partitions) without each column's type name (here one empty string: its 4-byte length ends the record).
        var length = BitConverter.ToInt32(version2, 9);
        var version1 = version2[..(13 + length - 4)].Concat(version2[(13 + length)..]).ToArray();
        "BKCHSEG1"u8.CopyTo(version1);
        BitConverter.GetBytes(length - 4).CopyTo(version1, 9);

        var read = Read(version1);

        Assert.Equal(new RelationItem(relation), read[0]);
        Assert.IsType<EndItem>(read[1]);
    }

    private static byte[] Write(IEnumerable<SegmentItem> items, ulong endLsn)
    {
        var stream = new MemoryStream();
        var writer = new ChangeSegmentWriter(stream);
        foreach (var item in items)
        {
            writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
        writer.CompleteAsync(endLsn).AsTask().GetAwaiter().GetResult();
        return stream.ToArray();
    }

    private static List<SegmentItem> Read(byte[] bytes) =>
        new ChangeSegmentReader(new MemoryStream(bytes)).ReadAllAsync().ToListAsync().AsTask().GetAwaiter().GetResult();

    private static bool FailsIntegrity(byte[] bytes)
    {
        try
        {
            Read(bytes);
            return false;
        }
        catch (BackupIntegrityException)
        {
            return true;
        }
    }
}
