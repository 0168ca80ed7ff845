using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The 64-bit key of the session advisory lock for a namespace and a daemon name: the first 8 bytes
/// of SHA-256 over the UTF-8 text <c>pidguard-cluster-v1\n{namespace}\n{name}</c>, read big-endian
/// as a signed bigint. The same on every host, every version of this package and every runtime.
/// </summary>
public static class LeaseKey
{
    /// <summary>The longest accepted namespace.</summary>
    public const int MaxNamespaceLength = 64;

    private const string Prefix = "pidguard-cluster-v1\n";

    /// <summary>The advisory lock key (<c>pg_advisory_lock(bigint)</c>) of <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    public static long For(string @namespace, string name)
    {
        ValidateNamespace(@namespace);
        DaemonName.Validate(name);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(Prefix + @namespace + "\n" + name), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <summary>The key that serialises creating the table among first-time users of a database.</summary>
    internal static long Schema => For("pidguard", "pidguard_lease.schema");

    /// <summary>Namespaces follow the daemon-name rules: <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$</c>.</summary>
    public static void ValidateNamespace(string? @namespace)
    {
        if (!DaemonName.IsValid(@namespace))
            throw new ArgumentException($"Invalid cluster namespace '{@namespace}': use 1 to {MaxNamespaceLength} characters from A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit.", nameof(@namespace));
    }
}
