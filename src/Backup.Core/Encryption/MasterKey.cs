using System.Security.Cryptography;
using System.Text;
using Backup.Core.Abstractions;

namespace Backup.Core.Encryption;

/// <summary>
/// A master key that wraps the per-backup data keys: either 32 random bytes, or a passphrase
/// stretched with PBKDF2-HMAC-SHA256 under a salt stored in each container's header.
/// Never printed: <see cref="ToString"/> shows only the id.
/// </summary>
internal sealed class MasterKey
{
    /// <summary>PBKDF2 iterations for new containers (OWASP's 2023 figure for HMAC-SHA256).</summary>
    public const int PassphraseIterations = 600_000;

    /// <summary>The fewest PBKDF2 iterations a container or manifest may ask for; fewer is refused as forged or damaged.</summary>
    public const int MinIterations = 100_000;

    /// <summary>The most PBKDF2 iterations a container or manifest may ask for (a few seconds of work); more is refused, not attempted.</summary>
    public const int MaxIterations = 10_000_000;

    /// <summary>The shortest passphrase accepted.</summary>
    public const int MinPassphraseLength = 16;

    internal const int KeySize = 32;

    private readonly byte[]? _rawKey;
    private readonly string? _passphrase;
    // Derivation is deliberately slow, so recent (salt, iterations) pairs are kept; the parameters
    // come from untrusted headers, so only a bounded number of them.
    private readonly BoundedKeyCache _derived = new(BoundedKeyCache.DefaultCapacity);

    private MasterKey(string id, byte[]? rawKey, string? passphrase)
    {
        Id = id;
        _rawKey = rawKey;
        _passphrase = passphrase;
    }

    /// <summary>The key's id, written in every container header it seals.</summary>
    public string Id { get; }

    /// <summary>Whether this key is a passphrase (stretched per container salt) rather than raw bytes.</summary>
    public bool IsPassphrase => _passphrase is not null;

    /// <summary>Creates a key from 32 raw bytes. The id defaults to a fingerprint of the key.</summary>
    public static MasterKey FromRawKey(ReadOnlySpan<byte> key, string? id = null)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"An AES-256 master key is {KeySize} bytes; this one is {key.Length}.", nameof(key));
        }
        var copy = key.ToArray();
        return new MasterKey(ValidateId(id ?? Fingerprint(copy)), copy, null);
    }

    /// <summary>Creates a key from a passphrase of at least <see cref="MinPassphraseLength"/> characters. The id defaults to <c>passphrase</c>.</summary>
    public static MasterKey FromPassphrase(string passphrase, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        if (passphrase.Length < MinPassphraseLength)
        {
            throw new ArgumentException($"A passphrase must be at least {MinPassphraseLength} characters long.", nameof(passphrase));
        }
        return new MasterKey(ValidateId(id ?? "passphrase"), null, passphrase);
    }

    /// <summary>The prefix that marks a value as a passphrase whatever it looks like.</summary>
    public const string PassphrasePrefix = "passphrase:";

    /// <summary>
    /// Parses the BACKUP_ENCRYPTION_KEY form: base64 of exactly 32 bytes is a raw key; text after
    /// <c>passphrase:</c>, or any other text of at least <see cref="MinPassphraseLength"/> characters
    /// that is not base64 of a common key size, is a passphrase.
    /// </summary>
    /// <exception cref="ArgumentException">Neither form; the message never contains the value.</exception>
    public static MasterKey Parse(string value, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith(PassphrasePrefix, StringComparison.Ordinal))
        {
            return FromPassphrase(value[PassphrasePrefix.Length..], id);
        }
        var trimmed = value.Trim();
        var buffer = new byte[(trimmed.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(trimmed, buffer, out var written))
        {
            try
            {
                if (written == KeySize)
                {
                    return FromRawKey(buffer.AsSpan(0, KeySize), id);
                }
                // A base64 key of another size is a mistake, not a passphrase: AES-128 or a 512-bit secret.
                if (written is 16 or 24 or 48 or 64)
                {
                    throw new ArgumentException(
                        $"The encryption key is base64 of {written} bytes; an AES-256 key is {KeySize} bytes (e.g. from 'openssl rand -base64 32'). If it is meant as a passphrase, write it as '{PassphrasePrefix}...'.");
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(buffer);
            }
        }
        if (trimmed.Length >= MinPassphraseLength)
        {
            return FromPassphrase(trimmed, id);
        }
        throw new ArgumentException(
            $"The encryption key is neither base64 of exactly {KeySize} bytes (e.g. from 'openssl rand -base64 32') nor a passphrase of at least {MinPassphraseLength} characters.");
    }

    /// <summary>Checks a key id: 1-64 characters of letters, digits, '.', '_' and '-'.</summary>
    public static string ValidateId(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException("A key id is 1-64 characters of ASCII letters, digits, '.', '_' and '-'.", nameof(id));
        }
        return id;
    }

    /// <inheritdoc />
    public override string ToString() => $"MasterKey({Id})";

    /// <summary>Whether a PBKDF2 iteration count read from a header or manifest is one this library accepts.</summary>
    internal static bool IsAcceptedIterations(int iterations) => iterations is >= MinIterations and <= MaxIterations;

    /// <summary>How many stretched passphrases are cached now (bounded by <see cref="BoundedKeyCache.DefaultCapacity"/>).</summary>
    internal int CachedDerivations => _derived.Count;

    /// <summary>The 32-byte key-encryption key for a container with this salt and iteration count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A passphrase key and iterations outside <see cref="MinIterations"/>..<see cref="MaxIterations"/>; callers check first, this is the last guard against a hang.</exception>
    internal byte[] KeyFor(ReadOnlySpan<byte> salt, int iterations)
    {
        if (_rawKey is not null)
        {
            return _rawKey;
        }
        if (!IsAcceptedIterations(iterations))
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, $"PBKDF2 iterations must be between {MinIterations} and {MaxIterations}.");
        }
        var saltCopy = salt.ToArray();
        return _derived.GetOrAdd(
            $"{Convert.ToHexString(salt)}:{iterations}",
            () => Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_passphrase!), saltCopy, iterations, HashAlgorithmName.SHA256, KeySize));
    }

    // A fingerprint tells keys apart without revealing them: an HMAC under the key itself.
    private static string Fingerprint(byte[] key) =>
        "key-" + Convert.ToHexStringLower(HMACSHA256.HashData(key, "Backup.Core key id v1"u8)[..6]);
}
