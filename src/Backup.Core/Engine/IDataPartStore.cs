using Backup.Core.Pipeline;

namespace Backup.Core.Engine;

/// <summary>Where a full backup taken in parts stores each part: through the pipeline, as an object of the backup's own.</summary>
internal interface IDataPartStore
{
    /// <summary>Stores part number <paramref name="index"/> (from 1) as <paramref name="write"/> writes it; safe to call from several tasks at once.</summary>
    Task<StoredContent> WriteAsync(int index, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);
}
