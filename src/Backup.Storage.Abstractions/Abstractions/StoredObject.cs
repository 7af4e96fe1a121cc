namespace Backup.Core.Abstractions;

/// <summary>An object in an <see cref="IStorageProvider"/>.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);
