using Backup.Core.Abstractions;
using Backup.Core.Postgres.Archive;

namespace Backup.Core.Tests.Postgres.Archive;

public sealed class ArchivePrimitivesTests
{
    // Pinned to pg_backup_archiver.c: a sign byte, then the magnitude least significant byte first.
    [Fact]
    public async Task WriteInt_WritesSignByteThenLittleEndianMagnitude()
    {
        var bytes = new MemoryStream();
        var output = new ArchiveOutput(bytes, 4, 8);
        await output.WriteIntAsync(-5, CancellationToken.None);
        await output.WriteIntAsync(0x01020304, CancellationToken.None);
        await output.WriteStringAsync(null, CancellationToken.None);
        await output.WriteStringAsync("ü", CancellationToken.None);
        await output.WriteOffsetAsync(ArchiveFormat.OffsetPosSet, 0x0102, CancellationToken.None);
        Assert.Equal(
            new byte[] { 1, 5, 0, 0, 0, 0, 4, 3, 2, 1, 1, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0xC3, 0xBC, 2, 2, 1, 0, 0, 0, 0, 0, 0 },
            bytes.ToArray());
        Assert.Equal(bytes.Length, output.Position);

        bytes.Position = 0;
        var input = new ArchiveInput(bytes);
        Assert.Equal(-5, await input.ReadIntAsync(CancellationToken.None));
        Assert.Equal(0x01020304, await input.ReadIntAsync(CancellationToken.None));
        Assert.Null(await input.ReadStringAsync(CancellationToken.None));
        Assert.Equal("ü", await input.ReadStringAsync(CancellationToken.None));
        Assert.Equal((ArchiveFormat.OffsetPosSet, 0x0102L), await input.ReadOffsetAsync(CancellationToken.None));
        Assert.Equal(bytes.Length, input.Position);
    }

    [Fact]
    public async Task ReadInt_OfATruncatedStream_IsAnIntegrityError()
    {
        var input = new ArchiveInput(new MemoryStream([0, 1, 2]));
        await Assert.ThrowsAsync<BackupIntegrityException>(async () => await input.ReadIntAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadOffset_WithAnUnknownFlag_IsAnIntegrityError()
    {
        var input = new ArchiveInput(new MemoryStream([9, 0, 0, 0, 0, 0, 0, 0, 0]));
        await Assert.ThrowsAsync<BackupIntegrityException>(async () => await input.ReadOffsetAsync(CancellationToken.None));
    }

    // The TOC's offsets are computed from Length before a byte of data is written: the two must
    // agree at every distance from a chunk boundary, where the terminator may spill into a chunk.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TableDataBlock.ChunkSize - 6)]
    [InlineData(TableDataBlock.ChunkSize - 5)]
    [InlineData(TableDataBlock.ChunkSize - 4)]
    [InlineData(TableDataBlock.ChunkSize - 1)]
    [InlineData(TableDataBlock.ChunkSize)]
    [InlineData(TableDataBlock.ChunkSize + 1)]
    [InlineData(3 * TableDataBlock.ChunkSize - 2)]
    public async Task TableDataBlock_Length_IsWhatWriteWrites(int plainLength)
    {
        var rows = new byte[plainLength];
        Array.Fill(rows, (byte)'a');
        var table = new TableDataSource("s", "t", "a", plainLength, _ => Task.FromResult<Stream>(new TrickleStream(rows)));
        var bytes = new MemoryStream();
        var output = new ArchiveOutput(bytes, 4, 8);
        await TableDataBlock.WriteAsync(output, 7, table, CancellationToken.None);
        Assert.Equal(TableDataBlock.Length(plainLength, 4), bytes.Length);

        // Read it back as pg_restore does: the rows then pg_dump's terminator.
        bytes.Position = 0;
        var input = new ArchiveInput(bytes);
        Assert.Equal(ArchiveFormat.BlockData, await input.ReadByteAsync(CancellationToken.None));
        Assert.Equal(7, await input.ReadIntAsync(CancellationToken.None));
        var content = new MemoryStream();
        while (await input.ReadIntAsync(CancellationToken.None) is var length and > 0)
        {
            var chunk = new byte[length];
            await input.ReadExactlyAsync(chunk, CancellationToken.None);
            content.Write(chunk);
        }
        Assert.Equal([.. rows, .. "\\.\n\n\n"u8.ToArray()], content.ToArray());
    }

    [Fact]
    public async Task TableDataBlock_OfADifferentLengthThanRecorded_IsAnIntegrityError()
    {
        var table = new TableDataSource("s", "t", "a", 10, _ => Task.FromResult<Stream>(new MemoryStream(new byte[9])));
        await Assert.ThrowsAsync<BackupIntegrityException>(() => TableDataBlock.WriteAsync(new ArchiveOutput(Stream.Null, 4, 8), 7, table, CancellationToken.None));
    }

    [Fact]
    public void CopyStatement_QuotesNamesAndKeepsTheColumnList()
    {
        Assert.Equal("COPY \"Odd.Schema\".\"Quote\"\"Table\" (id, \"x y\") FROM stdin;\n",
            TableDataEntries.CopyStatement(new TableDataSource("Odd.Schema", "Quote\"Table", "id, \"x y\"", null, _ => Task.FromResult(Stream.Null))));
        // pg_dump's fmtCopyColumnList gives "" for a table without columns, hence two spaces.
        Assert.Equal("COPY \"public\".\"z\"  FROM stdin;\n",
            TableDataEntries.CopyStatement(new TableDataSource("public", "z", "", null, _ => Task.FromResult(Stream.Null))));
    }

    /// <summary>Hands out at most 1,000 bytes a read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }
}
