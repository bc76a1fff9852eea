using System.Security.Cryptography;
using Mappa.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Load;

/// <summary>
/// A token issuer of the run's own: an ES256 key made for this run, whose public half the services are given as a
/// deployment's issuer key (Mappa__Auth__SigningKeys__0__*), as docker-compose.yml does; no development keys.
/// </summary>
public sealed class LoadTokens : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public string KeyId { get; } = "load-issuer-" + Guid.NewGuid().ToString("N")[..8];

    public string Algorithm => SecurityAlgorithms.EcdsaSha256;

    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    public string Issue(string subject, string agency, string agencyKind, IReadOnlyList<string> areas, IReadOnlyList<string> roles)
    {
        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Deployment.Issuer,
            Audience = Deployment.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddDays(1),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [MappaClaims.Subject] = subject,
                [MappaClaims.Agency] = agency,
                [MappaClaims.AgencyKind] = agencyKind,
                [MappaClaims.Areas] = areas.ToArray(),
                [MappaClaims.Roles] = roles.ToArray(),
            },
        });
    }

    public void Dispose() => _key.Dispose();
}
