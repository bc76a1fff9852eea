using System.Security.Cryptography;
using System.Text;

namespace Mappa.Messaging.Persistence;

/// <summary>A stable 64-bit PostgreSQL advisory-lock key derived from a name.</summary>
internal static class AdvisoryLockKey
{
    public static long For(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);
}
