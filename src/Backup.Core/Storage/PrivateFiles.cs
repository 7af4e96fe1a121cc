namespace Backup.Core.Storage;

/// <summary>
/// Files and folders only the host's account can read: 0600 and 0700, set when they are created
/// (never readable by others for a moment, and whatever the umask). Windows keeps its ACLs.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Options that create a new file (<see cref="System.IO.FileMode.CreateNew"/>) readable by its owner only.</summary>
    public static FileStreamOptions CreateNew(FileAccess access, int bufferSize, FileOptions options = FileOptions.None)
    {
        var created = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = access, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            created.UnixCreateMode = FileMode;
        }
        return created;
    }

    /// <summary>Creates <paramref name="path"/> and its missing parents owner-only; existing folders keep their modes.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            // Directory.CreateDirectory gives the mode to the last folder only: parents one by one.
            if (Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path)) is { Length: > 0 } parent)
            {
                CreateDirectory(parent);
            }
            Directory.CreateDirectory(path, FolderMode);
        }
    }
}
