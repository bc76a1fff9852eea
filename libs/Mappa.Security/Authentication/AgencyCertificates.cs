using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mappa.Security;

/// <summary>
/// Maps a client certificate presented over mutual TLS to the agency it was issued to (Mappa:Auth:ClientCertificates).
/// The transport says which agency's system is connected; the token says who is calling. Both must agree, so a token
/// leaked from one agency cannot be used from another agency's connection.
/// </summary>
public sealed class AgencyCertificates
{
    private readonly Dictionary<string, string> _byThumbprint = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _bySubject = new(StringComparer.Ordinal);

    public AgencyCertificates(IEnumerable<AgencyCertificateOptions> entries)
    {
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.Agency))
                throw new InvalidOperationException("Mappa:Auth:ClientCertificates: every entry needs an Agency.");
            if (string.IsNullOrWhiteSpace(entry.Thumbprint) == string.IsNullOrWhiteSpace(entry.Subject))
                throw new InvalidOperationException($"Mappa:Auth:ClientCertificates: the entry for {entry.Agency} needs exactly one of Thumbprint or Subject.");
            if (!string.IsNullOrWhiteSpace(entry.Thumbprint))
                _byThumbprint[NormaliseThumbprint(entry.Thumbprint)] = entry.Agency;
            else
                _bySubject[NormaliseSubject(entry.Subject!)] = entry.Agency;
        }
    }

    public bool IsEmpty => _byThumbprint.Count == 0 && _bySubject.Count == 0;

    /// <summary>The agency the certificate belongs to, or null when it is not mapped.</summary>
    public string? AgencyOf(X509Certificate2 certificate)
    {
        var thumbprint = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        if (_byThumbprint.TryGetValue(thumbprint, out var agency))
            return agency;
        return _bySubject.GetValueOrDefault(NormaliseSubject(certificate.Subject));
    }

    private static string NormaliseThumbprint(string thumbprint) => thumbprint.Replace(":", "", StringComparison.Ordinal).Trim();

    // "CN=a, O=b" and "CN=a,O=b" name the same subject; X500DistinguishedName formats both the same way.
    private static string NormaliseSubject(string subject) =>
        new X500DistinguishedName(subject).Format(multiLine: false);
}
