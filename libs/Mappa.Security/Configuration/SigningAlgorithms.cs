namespace Mappa.Security;

/// <summary>The JWS algorithms the suite accepts. Anything else (including "none") is refused.</summary>
public static class SigningAlgorithms
{
    public const string ES256 = "ES256";
    public const string RS256 = "RS256";

    /// <summary>Shared-secret HMAC: only with <see cref="MappaAuthOptions.AllowDevelopmentKeys"/>.</summary>
    public const string HS256 = "HS256";
}
