namespace Backup.Storage.S3;

/// <summary>
/// Part sizes of a multipart upload whose total size is not known in advance: the configured size
/// for the first eighth of the allowed parts, then doubling every eighth (up to S3's 5 GiB), so the
/// part-count limit is never reached by anything smaller than ~255 × that eighth × the part size.
/// </summary>
internal static class S3PartPlan
{
    public const long MinPartSize = 5L * 1024 * 1024;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;

    /// <summary>The size of the part at zero-based <paramref name="index"/>.</summary>
    public static long SizeOf(int index, long partSize, int maxPartCount)
    {
        var growEvery = Math.Max(1, maxPartCount / 8);
        var doublings = Math.Min(30, index / growEvery);
        return Math.Min(MaxPartSize, partSize << doublings);
    }

    /// <summary>The most bytes an upload can hold.</summary>
    public static long Capacity(long partSize, int maxPartCount)
    {
        long total = 0;
        for (var i = 0; i < maxPartCount; i++)
        {
            total += SizeOf(i, partSize, maxPartCount);
        }
        return total;
    }
}
