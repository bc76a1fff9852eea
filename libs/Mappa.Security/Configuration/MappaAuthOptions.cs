namespace Mappa.Security;

/// <summary>
/// Bearer-token settings, bound from the configuration section <c>Mappa:Auth</c>. Production configuration lists
/// each partner identity provider's public keys; development keys and shared secrets are refused unless
/// <see cref="AllowDevelopmentKeys"/> is set.
/// </summary>
public sealed class MappaAuthOptions
{
    public const string SectionName = "Mappa:Auth";

    /// <summary>The token issuer (<c>iss</c>) every accepted token must name.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The audience (<c>aud</c>) every accepted token must name: this suite.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Tolerance for clock drift between issuer and server when checking exp and nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys currently accepted, selected by the token's <c>kid</c>. Several at once during rotation.</summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    /// <summary>Permits HS256 shared secrets and the local development key. Never set in production.</summary>
    public bool AllowDevelopmentKeys { get; set; }

    /// <summary>
    /// When set (and <see cref="AllowDevelopmentKeys"/> is true), the development key in this directory is
    /// created if missing and accepted, so tokens from <see cref="Development.DevelopmentTokenIssuer"/> work.
    /// </summary>
    public string? DevelopmentKeyDirectory { get; set; }

    /// <summary>
    /// Agencies' client certificates (mutual TLS). A call made over a connection with a client certificate is
    /// accepted only when the certificate is listed here and its agency is the token's agency.
    /// </summary>
    public List<AgencyCertificateOptions> ClientCertificates { get; set; } = [];
}

/// <summary>One agency's client certificate, named by its SHA-256 thumbprint or its exact subject name.</summary>
public sealed class AgencyCertificateOptions
{
    /// <summary>The agency id that tokens carry in their agency claim, e.g. "police-scotland".</summary>
    public string Agency { get; set; } = "";

    /// <summary>Hex SHA-256 of the certificate (colons and case ignored): one certificate exactly.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>The subject distinguished name, e.g. "CN=gateway, O=Police Scotland": any certificate the trusted agency authority issues to it.</summary>
    public string? Subject { get; set; }
}

/// <summary>One accepted signing key.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>Matches the token header's <c>kid</c>.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>ES256, RS256, or (development only) HS256. A token must use exactly its key's algorithm.</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>PEM public key (ES256 on P-256, or RS256 of at least 2048 bits).</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Path to a PEM public key file, for keys mounted as files rather than inlined.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>HS256 shared secret (UTF-8, at least 32 bytes); development only.</summary>
    public string? Secret { get; set; }
}
