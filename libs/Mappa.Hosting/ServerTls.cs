using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Mappa.Hosting;

/// <summary>The gRPC endpoint's TLS: the server certificate and, for mutual TLS, which client certificates are trusted.</summary>
internal static class ServerTls
{
    public static void Configure(HttpsConnectionAdapterOptions https, TlsOptions tls)
    {
        https.ServerCertificate = LoadServerCertificate(tls);
        if (!tls.AsksForClientCertificate)
        {
            return;
        }
        https.ClientCertificateMode = tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
        if (string.IsNullOrWhiteSpace(tls.ClientCertificateAuthorityPath))
        {
            // No agency authorities configured: Kestrel validates against the machine's trust store.
            return;
        }
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(tls.ClientCertificateAuthorityPath);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"No certificate authority found in {tls.ClientCertificateAuthorityPath} (Mappa:Grpc:Tls:ClientCertificateAuthorityPath).");
        }
        https.ClientCertificateValidation = (certificate, _, _) => IsIssuedByAgencyAuthority(certificate, authorities);
    }

    /// <summary>Builds the chain against the agency authorities only; the machine's roots play no part.</summary>
    internal static bool IsIssuedByAgencyAuthority(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Agency authorities are private and publish no revocation lists here; a compromised certificate is
        // removed by dropping its mapping in Mappa:Auth:ClientCertificates (see docs/security.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(certificate);
    }

    private static X509Certificate2 LoadServerCertificate(TlsOptions tls)
    {
        var path = tls.CertificatePath!;
        if (!string.IsNullOrWhiteSpace(tls.CertificateKeyPath))
        {
            using var pem = X509Certificate2.CreateFromPemFile(path, tls.CertificateKeyPath);
            // Schannel/OpenSSL want a key they can use from the store; a PKCS#12 round trip gives one on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, tls.CertificatePassword);
    }
}
