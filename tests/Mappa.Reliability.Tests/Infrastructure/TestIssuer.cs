using System.Security.Cryptography;
using Mappa.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>
/// A token issuer of the tests' own: an ES256 key pair whose public half reaches the services the way production
/// configures a partner identity provider (Mappa__Auth__SigningKeys__0__*), not the development key mechanism.
/// </summary>
public sealed class TestIssuer : IDisposable
{
    public const string Issuer = "https://identity.reliability.test";
    public const string Audience = "mappa-suite";
    public const string KeyId = "reliability-issuer-1";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The services' settings that make them accept this issuer's tokens.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Mappa__Auth__Issuer"] = Issuer,
        ["Mappa__Auth__Audience"] = Audience,
        ["Mappa__Auth__SigningKeys__0__KeyId"] = KeyId,
        ["Mappa__Auth__SigningKeys__0__Algorithm"] = SigningAlgorithms.ES256,
        ["Mappa__Auth__SigningKeys__0__PublicKeyPem"] = PublicKeyPem,
    };

    public string Token(string role, string area, string agencyKind = "SOCIAL_WORK")
    {
        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(2),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [MappaClaims.Subject] = $"reliability-{role}",
                [MappaClaims.Agency] = "reliability-agency",
                [MappaClaims.AgencyKind] = agencyKind,
                [MappaClaims.Areas] = new[] { area },
                [MappaClaims.Roles] = new[] { role },
            },
        });
    }

    public void Dispose() => _key.Dispose();
}
