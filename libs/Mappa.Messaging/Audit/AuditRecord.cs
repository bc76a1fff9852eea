using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mappa.Messaging.Audit;

/// <summary>
/// One row of a service's audit log, as stored: ids, method and outcome only. <see cref="Hash"/> is the SHA-256 of the
/// row's canonical encoding (<see cref="AuditChain"/>), which includes <see cref="PreviousHash"/>, so each row seals
/// the one before it.
/// </summary>
public sealed record AuditRecord(
    long Position,
    string EntryId,
    DateTimeOffset Time,
    string Caller,
    string Agency,
    string Roles,
    string Method,
    string? SubjectId,
    int Outcome,
    string RequestId,
    int HashVersion,
    string PreviousHash,
    string Hash)
{
    /// <summary>Role names as stored: space-separated.</summary>
    public IReadOnlyList<string> RoleList => Roles.Length == 0 ? [] : Roles.Split(' ');
}

/// <summary>
/// The hash chain's canonical encoding. Version 1: the UTF-8 bytes of "mappa.audit.v1", then each field in a fixed
/// order as a 4-byte big-endian length and its UTF-8 bytes (a null subject as length -1): position and time (unix
/// milliseconds) as invariant decimal text, entry id, caller, agency, roles (as stored), method, subject id, outcome
/// (decimal), request id, previous hash. Length prefixes make the encoding unambiguous (no field can spill into
/// the next). A later version must keep verifying rows written under earlier ones, so old versions stay here.
/// </summary>
public static class AuditChain
{
    public const int CurrentVersion = 1;

    /// <summary>The previous hash of the first row.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private static readonly byte[] Version1Tag = Encoding.UTF8.GetBytes("mappa.audit.v1");

    public static string ComputeHash(AuditRecord record) => ComputeHash(record, record.HashVersion, record.PreviousHash);

    public static string ComputeHash(AuditRecord record, int version, string previousHash)
    {
        if (version != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown audit hash version.");
        }
        using var buffer = new MemoryStream(256);
        buffer.Write(Version1Tag);
        Field(buffer, record.Position.ToString(CultureInfo.InvariantCulture));
        Field(buffer, record.EntryId);
        Field(buffer, record.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Field(buffer, record.Caller);
        Field(buffer, record.Agency);
        Field(buffer, record.Roles);
        Field(buffer, record.Method);
        Field(buffer, record.SubjectId);
        Field(buffer, record.Outcome.ToString(CultureInfo.InvariantCulture));
        Field(buffer, record.RequestId);
        Field(buffer, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void Field(MemoryStream buffer, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            buffer.Write(length);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
