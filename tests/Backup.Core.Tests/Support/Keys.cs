using System.Security.Cryptography;
using Backup.Core.Encryption;

namespace Backup.Core.Tests.Support;

internal static class Keys
{
    public static MasterKey Random(string id) => MasterKey.FromRawKey(RandomNumberGenerator.GetBytes(32), id);

    public static AesGcmEncryptor Encryptor(MasterKey active, int chunkSize = 4096, params MasterKey[] older) =>
        new(new MasterKeyRing(active, older), chunkSize);
}
