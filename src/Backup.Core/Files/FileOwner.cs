using System.Runtime.InteropServices;

namespace Backup.Core.Files;

/// <summary>
/// lchown: gives a path to a user and group without following a final symbolic link. Only root
/// may give a file away, so a refusal is ordinary for other users, and the caller decides what
/// that means for the setuid and setgid bits.
/// </summary>
internal static partial class FileOwner
{
    /// <summary>Whether the owner was changed; <paramref name="errno"/> says why not (0 on Windows, where there are no owners to set).</summary>
    public static bool TryChange(string path, int uid, int gid, out int errno)
    {
        errno = 0;
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        if (Lchown(path, unchecked((uint)uid), unchecked((uint)gid)) == 0)
        {
            return true;
        }
        errno = Marshal.GetLastPInvokeError();
        return false;
    }

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lchown(string path, uint uid, uint gid);
}
