using System.Runtime.CompilerServices;
using Backup.Core.Abstractions;
using Backup.Core.Storage;

// These types moved to Backup.Storage.Abstractions (same namespaces) so that store packages need not
// depend on Backup.Core. The forwards let assemblies compiled against an older Backup.Core, which
// looked for them here, still load them without a rebuild.
[assembly: TypeForwardedTo(typeof(IStorageProvider))]
[assembly: TypeForwardedTo(typeof(StoredObject))]
[assembly: TypeForwardedTo(typeof(BackupException))]
[assembly: TypeForwardedTo(typeof(BackupStorageException))]
[assembly: TypeForwardedTo(typeof(BackupObjectNotFoundException))]
[assembly: TypeForwardedTo(typeof(BackupConfigurationException))]
[assembly: TypeForwardedTo(typeof(StorageKey))]
[assembly: TypeForwardedTo(typeof(StorageStreams))]
[assembly: TypeForwardedTo(typeof(ForwardReadStream))]
[assembly: TypeForwardedTo(typeof(StoreOptionsValidator<>))]
