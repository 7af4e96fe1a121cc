using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Backup.Core.Files;

/// <summary>What a directory entry is, with its owner, as lstat sees it (a link is not followed).</summary>
internal enum FileKindType
{
    Regular,
    Directory,
    SymbolicLink,
    Special,
    Missing,
}

/// <summary>The type and owner of a path without following a final symbolic link.</summary>
internal readonly record struct FileKindInfo(FileKindType Type, int Uid, int Gid);

/// <summary>
/// lstat through Linux's statx, whose layout is the same on every architecture. .NET exposes no
/// file type beyond directory and link: a FIFO or device would block or misbehave if opened as a
/// file, so the walk must know. Elsewhere, .NET's own view (without special files) is used.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeModeUidGid = 0x1 | 0x2 | 0x8 | 0x10;
    private const int NoSuchFile = 2;

    public static FileKindInfo Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return FallbackOf(path);
        }
        Span<byte> buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxTypeModeUidGid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == NoSuchFile ? new FileKindInfo(FileKindType.Missing, 0, 0) : throw new IOException($"Cannot read the type of '{path}' (errno {errno}).");
        }
        // struct statx: stx_uid at 20, stx_gid at 24, stx_mode (u16) at 28.
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
        var type = (mode & 0xF000) switch
        {
            0x8000 => FileKindType.Regular,
            0x4000 => FileKindType.Directory,
            0xA000 => FileKindType.SymbolicLink,
            _ => FileKindType.Special,
        };
        return new FileKindInfo(type, BinaryPrimitives.ReadInt32LittleEndian(buffer[20..]), BinaryPrimitives.ReadInt32LittleEndian(buffer[24..]));
    }

    /// <summary>Permission bits (none on Windows).</summary>
    public static UnixFileMode ModeOf(string path) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);

    /// <summary>Permission bits of an open file (none on Windows).</summary>
    public static UnixFileMode ModeOf(Microsoft.Win32.SafeHandles.SafeFileHandle file) => OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(file);

    private static FileKindInfo FallbackOf(string path)
    {
        var info = new FileInfo(path);
        var type = !info.Exists && !Directory.Exists(path) && info.LinkTarget is null ? FileKindType.Missing
            : info.LinkTarget is not null ? FileKindType.SymbolicLink
            : info.Attributes.HasFlag(FileAttributes.Directory) ? FileKindType.Directory
            : FileKindType.Regular;
        return new FileKindInfo(type, 0, 0);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
}
