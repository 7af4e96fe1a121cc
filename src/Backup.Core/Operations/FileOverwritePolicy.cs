namespace Backup.Core.Operations;

/// <summary>What a file restore does with a file that already exists in the target.</summary>
public enum FileOverwritePolicy
{
    /// <summary>Stop with an error at the first file that exists (the default).</summary>
    Fail,

    /// <summary>Keep the existing file and count it as skipped.</summary>
    Skip,

    /// <summary>Replace it (atomically: a reader sees the old file or the new one).</summary>
    Overwrite,
}
