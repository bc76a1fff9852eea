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

/// <summary>TLS for the gRPC endpoint. Without a certificate the endpoint speaks plaintext HTTP/2 (local use, or behind a mesh).</summary>
public sealed class TlsOptions
{
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Ask partner systems for a client certificate (mutual TLS).</summary>
    public bool RequestClientCertificate { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>The HTTP/1.1 endpoint for operators: /healthz and /metrics (section Mappa:Http). Port 0 disables it.</summary>
public sealed class OperatorEndpointOptions
{
    public const string Section = "Mappa:Http";

    public int Port { get; set; }

    public string? Address { get; set; }
}
