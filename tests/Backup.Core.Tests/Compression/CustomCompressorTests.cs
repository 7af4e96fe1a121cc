using System.Text;
using Backup.Core.Abstractions;
using Backup.Core.Configuration;
using Backup.Core.Operations;
using Backup.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Backup.Core.Tests.Compression;

/// <summary><see cref="ICompressor"/> is a seam a host can plug its own codec into, written and read back under its name.</summary>
public sealed class CustomCompressorTests : IDisposable
{
    private readonly TempDirectory _store = new();
    private readonly TempDirectory _files = new();
    private readonly TempDirectory _target = new();

    public void Dispose()
    {
        _store.Dispose();
        _files.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task AHostsOwnCodec_WritesTheBackup_AndReadsItBack()
    {
        const string Text = "the quick brown fox jumps over the lazy dog";
        File.WriteAllText(Path.Combine(_files.Path, "a.txt"), Text);
        using var provider = Build(b => b.UseCompressor(new XorCompressor()));
        var backups = provider.GetRequiredService<BackupService>();

        var manifest = await backups.CreateFileBackupAsync("files", new FileBackupOptions { Directories = [_files.Path] });
        await backups.RestoreFilesAsync(manifest.Id, new FileRestoreOptions { TargetDirectory = _target.Path });

        Assert.Equal(XorCompressor.CodecName, manifest.Content!.Compression);
        // The stored object went through the codec: the file's text is not in it as written.
        var stored = await File.ReadAllBytesAsync(Path.Combine(_store.Path, manifest.Content.Key));
        Assert.DoesNotContain(Text, Encoding.ASCII.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(Text, File.ReadAllText(Directory.EnumerateFiles(_target.Path, "a.txt", SearchOption.AllDirectories).Single()));
        Assert.True((await backups.VerifyBackupAsync(manifest.Id)).IsValid);
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("")]
    public void ACodecWithoutANameOfItsOwn_IsRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => Build(b => b.UseCompressor(new XorCompressor(name))).Dispose());

        Assert.Contains("name of its own", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Build(Action<Backup.Core.DependencyInjection.BackupSystemBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<BackupEnvironment>(new FakeEnvironment([]));
        services.AddBackupSystem(b =>
        {
            b.UseLocalStorage(_store.Path);
            configure(b);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A codec of a host's own: every byte XORed with a constant (its own inverse).</summary>
    private sealed class XorCompressor(string name = XorCompressor.CodecName) : ICompressor
    {
        public const string CodecName = "xor-test";

        public string Name => name;

        public int Level => 0;

        public string FileExtension => ".xor";

        public Stream CreateCompressionStream(Stream destination) => new XorStream(destination);

        public Stream CreateDecompressionStream(Stream source) => new XorStream(source);
    }

    private sealed class XorStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            Flip(buffer.AsSpan(offset, read));
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            Flip(buffer.Span[..read]);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            var copy = buffer.AsSpan(offset, count).ToArray();
            Flip(copy);
            inner.Write(copy);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var copy = buffer.ToArray();
            Flip(copy);
            await inner.WriteAsync(copy, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static void Flip(Span<byte> bytes)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0x5A;
            }
        }
    }
}
