namespace Backup.Core.Continuous;

/// <summary>What keeps continuous capture from its work; each is logged once when it starts and once when it ends.</summary>
public enum CaptureFault
{
    /// <summary>The database cannot be reached (down, failing over): it reconnects with backoff and resumes from what is stored.</summary>
    DatabaseUnreachable,

    /// <summary>The store cannot be reached: segments wait in the spool and are uploaded when it is back.</summary>
    StoreUnreachable,

    /// <summary>The spool is full: the slot is not read, so the server keeps the WAL.</summary>
    SpoolFull,

    /// <summary>Capture cannot go on until someone acts (no chain, the slot is gone, a table changed): take a full backup.</summary>
    NeedsFullBackup,

    /// <summary>Another process (a replica) records this chain; this one stands by and takes over when it stops. Not a problem in itself.</summary>
    StandingBy,
}
