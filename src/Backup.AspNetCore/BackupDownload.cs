using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backup.AspNetCore;

/// <summary>
/// Streams a backup's plain content. Until the first bytes are sent a failure is still a problem
/// response (422 for a damaged object); after that the status is gone, so a failure aborts the
/// connection: the client sees a broken transfer, never a complete-looking 200. What is served, by
/// type: a full backup as one pg_dump custom-format archive (<c>.dump</c>, for pg_restore); a file
/// backup as its tar stream (<c>.tar</c>, <c>application/x-tar</c>, for <c>tar -tv</c>); an
/// incremental as its change segment (<c>.changes</c>), decrypted and decompressed: the bytes whose
/// SHA-256 is the manifest's <c>content.plainSha256</c>.
/// </summary>
internal sealed class BackupDownload(string backupId, string fileName, Func<CancellationToken, Task<Stream>> open, string contentType = "application/octet-stream") : IResult
{
    private const int FirstChunkBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var cancellationToken = httpContext.RequestAborted;
        Stream content;
        var first = new byte[FirstChunkBytes];
        int firstLength;
        try
        {
            content = await open(cancellationToken).ConfigureAwait(false);
            firstLength = await content.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await BackupProblems.Result(ex).ExecuteAsync(httpContext).ConfigureAwait(false);
            return;
        }
        await using (content.ConfigureAwait(false))
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            try
            {
                await httpContext.Response.Body.WriteAsync(first.AsMemory(0, firstLength), cancellationToken).ConfigureAwait(false);
                await content.CopyToAsync(httpContext.Response.Body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.DownloadAborted(httpContext.RequestServices.GetRequiredService<ILogger<BackupDownload>>(), ex, backupId);
                httpContext.Abort();
            }
        }
    }
}
