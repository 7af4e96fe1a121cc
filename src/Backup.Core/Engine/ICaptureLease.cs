namespace Backup.Core.Engine;

/// <summary>A chain's right to be recorded by this process alone (see <see cref="IContinuousChangeSource.TryLeaseAsync"/>); given back when disposed.</summary>
internal interface ICaptureLease : IAsyncDisposable
{
    /// <summary>Whether the lease still holds (its connection may have died with the server).</summary>
    Task<bool> IsHeldAsync(CancellationToken cancellationToken);
}
