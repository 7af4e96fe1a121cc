using Backup.Core.Abstractions;

namespace Backup.Core.Tests.Files;

/// <summary>Gives the archive's bytes, then fails at the end as the pipeline does when the last tag or a hash is wrong.</summary>
internal sealed class FailingAtTheEndStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        return read > 0 ? read : throw new BackupIntegrityException("The stored object's hash does not match its manifest.");
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
