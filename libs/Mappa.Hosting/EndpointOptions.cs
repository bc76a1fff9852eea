namespace Mappa.Hosting;

/// <summary>Where the gRPC endpoint listens (section Mappa:Grpc).</summary>
public sealed class GrpcEndpointOptions
{
    public const string Section = "Mappa:Grpc";

    public int Port { get; set; }

    /// <summary>
    /// The address to bind. Defaults to loopback, so a developer's suite is not reachable from the network by
    /// accident; inside a container (DOTNET_RUNNING_IN_CONTAINER) it defaults to all addresses.
    /// </summary>
    public string? Address { get; set; }

    public TlsOptions Tls { get; set; } = new();
}

/// <summary>
/// TLS for the gRPC endpoint. Without a certificate the endpoint speaks plaintext HTTP/2 (local use, or behind a mesh
/// that terminates TLS). With <see cref="ClientCertificateAuthorityPath"/> partner systems may (or, with
/// <see cref="RequireClientCertificate"/>, must) present a client certificate issued by one of those authorities;
/// Mappa:Auth:ClientCertificates maps certificates to agencies (docs/security.md).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>The server certificate: PKCS#12 (.pfx/.p12, with <see cref="CertificatePassword"/>) or PEM (with <see cref="CertificateKeyPath"/>).</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Ask partner systems for a client certificate (mutual TLS); a call without one is still accepted.</summary>
    public bool RequestClientCertificate { get; set; }

    /// <summary>Refuse the TLS handshake of a client without a valid certificate.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// PEM bundle of the certificate authorities that issue agencies' client certificates. The only roots trusted
    /// for client certificates (the machine's store is not), so a certificate from any public CA is refused.
    /// </summary>
    public string? ClientCertificateAuthorityPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    public bool AsksForClientCertificate => RequestClientCertificate || RequireClientCertificate;
}

/// <summary>The HTTP/1.1 endpoint for operators: /healthz and /metrics (section Mappa:Http). Port 0 disables it.</summary>
public sealed class OperatorEndpointOptions
{
    public const string Section = "Mappa:Http";

    public int Port { get; set; }

    public string? Address { get; set; }
}
