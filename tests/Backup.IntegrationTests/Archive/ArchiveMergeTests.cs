using Backup.Core.Abstractions;
using Backup.Core.Postgres.Archive;
using Backup.TestSupport;

namespace Backup.IntegrationTests.Archive;

/// <summary>
/// The merged archive is one file that plain pg_restore restores whole: serially from a pipe and
/// with -j 2, with offsets (seekable schema archive, lengths known) and without.
/// </summary>
public sealed class ArchiveMergeTests(ArchiveMergeSource source) : IClassFixture<ArchiveMergeSource>
{
    [Fact]
    public async Task Merge_WithOffsets_RestoresEveryTableFromAPipeAndInParallel()
    {
        var merged = source.NewFile("merged-offsets.dump");
        await using (var schema = File.OpenRead(source.SchemaArchive))
        await using (var output = new NonSeekableStream(File.Create(merged)))
            await CustomArchiveMerge.WriteAsync(schema, source.Sources(lengthsKnown: true), output, CancellationToken.None);

        var listing = await ArchiveMergeSource.RunAsync("pg_restore", ["-l", merged]);
        foreach (var (schema, table, _, _) in source.Tables)
            Assert.Contains($"TABLE DATA {schema} {table} ", listing);

        await RestoreAndCompareAsync(merged, parallel: false);
        await RestoreAndCompareAsync(merged, parallel: true);
    }

    [Fact]
    public async Task Merge_FromANonSeekableSchemaArchiveWithoutLengths_RestoresInParallel()
    {
        var merged = source.NewFile("merged-scan.dump");
        await using (var schema = new NonSeekableStream(File.OpenRead(source.SchemaArchive)))
        await using (var output = File.Create(merged))
            await CustomArchiveMerge.WriteAsync(schema, source.Sources(lengthsKnown: false), output, CancellationToken.None);

        await RestoreAndCompareAsync(merged, parallel: true);
    }

    [Fact]
    public async Task TableDataEntry_IsTheOnePgDumpWrites()
    {
        // pg_dump's own archive with every table's data, to hold our entries against its entries.
        var full = source.NewFile("full.dump");
        await ArchiveMergeSource.RunAsync("pg_dump", ["-Fc", "-Z0", "-f", full, "-d", source.Database]);
        var merged = source.NewFile("merged-compare.dump");
        await using (var schema = File.OpenRead(source.SchemaArchive))
        await using (var output = File.Create(merged))
            await CustomArchiveMerge.WriteAsync(schema, source.Sources(lengthsKnown: true), output, CancellationToken.None);

        var theirs = await ReadTocAsync(full);
        var ours = await ReadTocAsync(merged);
        Assert.Equal(theirs.Select(e => e.Desc + " " + e.Namespace + " " + e.Tag), ours.Select(e => e.Desc + " " + e.Namespace + " " + e.Tag));
        var ourIds = ours.ToDictionary(e => e.DumpId);
        var theirIds = theirs.ToDictionary(e => e.DumpId);
        foreach (var (their, our) in theirs.Zip(ours).Where(p => p.First.Desc == TableDataEntries.TableData))
        {
            Assert.Equal(their.HadDumper, our.HadDumper);
            Assert.Equal(their.TableOid, our.TableOid);
            Assert.Equal(their.Oid, our.Oid);
            Assert.Equal(their.Section, our.Section);
            Assert.Equal(their.Defn, our.Defn);
            Assert.Equal(their.DropStmt, our.DropStmt);
            Assert.Equal(their.Tablespace, our.Tablespace);
            Assert.Equal(their.TableAm, our.TableAm);
            Assert.Equal(their.Owner, our.Owner);
            Assert.Equal(their.WithOids, our.WithOids);
            // Same statement up to pg_dump's quoting only where needed.
            Assert.Equal(Unquoted(their.CopyStmt), Unquoted(our.CopyStmt));
            Assert.Equal(their.Dependencies.Select(d => theirIds[int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)].Tag), our.Dependencies.Select(d => ourIds[int.Parse(d, System.Globalization.CultureInfo.InvariantCulture)].Tag));
            Assert.Equal(ArchiveFormat.OffsetPosSet, our.OffsetState);
        }
    }

    [Fact]
    public async Task Merge_OfATruncatedOrCorruptSchemaArchive_FailsWithAnIntegrityError()
    {
        var bytes = await File.ReadAllBytesAsync(source.SchemaArchive);
        // Every cut inside the header and TOC, and some in the data blocks.
        var cuts = Enumerable.Range(0, Math.Min(bytes.Length, 6000)).Concat(Enumerable.Range(0, 50).Select(i => bytes.Length - 1 - i * 7)).Where(c => c >= 0 && c < bytes.Length);
        foreach (var cut in cuts)
        {
            var error = await Assert.ThrowsAnyAsync<BackupException>(() => MergeAsync(bytes[..cut]));
            Assert.True(error is BackupIntegrityException || error.Message.Contains("version", StringComparison.Ordinal), $"cut at {cut}: {error.GetType().Name} {error.Message}");
        }

        var corrupt = (byte[])bytes.Clone();
        corrupt[0] = (byte)'X';
        Assert.Contains("PGDMP", (await Assert.ThrowsAsync<BackupIntegrityException>(() => MergeAsync(corrupt))).Message);
        var newer = (byte[])bytes.Clone();
        newer[6] = 17;
        Assert.Contains("1.17", (await Assert.ThrowsAsync<BackupException>(() => MergeAsync(newer))).Message);
    }

    private Task MergeAsync(byte[] schema) =>
        CustomArchiveMerge.WriteAsync(new NonSeekableStream(new MemoryStream(schema)), source.Sources(lengthsKnown: true), Stream.Null, CancellationToken.None);

    private static string? Unquoted(string? statement) => statement?.Replace("\"", "");

    private static async Task<List<ArchiveTocEntry>> ReadTocAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        var input = new ArchiveInput(stream);
        var header = await CustomArchiveReader.ReadHeaderAsync(input, CancellationToken.None);
        return await CustomArchiveReader.ReadTocAsync(input, header, CancellationToken.None);
    }

    private async Task RestoreAndCompareAsync(string merged, bool parallel)
    {
        var target = $"it_arch_r_{Guid.NewGuid():N}"[..24];
        await TestServer.CreateDatabaseAsync(target);
        try
        {
            if (parallel)
                await ArchiveMergeSource.RunAsync("pg_restore", ["--exit-on-error", "-j", "2", "-d", target, merged]);
            else
                await ArchiveMergeSource.RunAsync("pg_restore", ["--exit-on-error", "-d", target], stdinFile: merged);
            foreach (var (schema, table, _, _) in source.Tables)
            {
                var sql = $"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM {ArchiveMergeSource.Quote(schema)}.{ArchiveMergeSource.Quote(table)} t";
                Assert.Equal(await TestServer.ScalarAsync<string>(source.Database, sql), await TestServer.ScalarAsync<string>(target, sql));
            }
            const string largeObjects = "SELECT coalesce(string_agg(encode(lo_get(oid), 'hex'), ',' ORDER BY oid), '') FROM pg_largeobject_metadata";
            Assert.Equal("00010203ff", await TestServer.ScalarAsync<string>(target, largeObjects));
            Assert.Equal(42L, await TestServer.ScalarAsync<long>(target, "SELECT last_value FROM public.counter"));
            Assert.Equal(60000L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM public.plain"));
            Assert.Equal(1L, await TestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_indexes WHERE indexname = 'child_plain_idx'"));
        }
        finally
        {
            await TestServer.DropDatabaseAsync(target);
        }
    }

    /// <summary>A pipe's view of a stream: no seeking, no length.</summary>
    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
