using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security.Tests.Support;

/// <summary>A stand-in for a partner's identity provider: one key, and tokens signed with it.</summary>
public sealed class TestIssuer
{
    public const string Issuer = "https://idp.police.test/";
    public const string Audience = "mappa-suite";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly SecurityKey _signingKey;
    private readonly string _algorithm;

    private TestIssuer(string keyId, SecurityKey signingKey, string algorithm, SigningKeyOptions publicOptions)
    {
        KeyId = keyId;
        _signingKey = signingKey;
        _algorithm = algorithm;
        KeyOptions = publicOptions;
    }

    public string KeyId { get; }

    /// <summary>What a server configures to accept this issuer's tokens.</summary>
    public SigningKeyOptions KeyOptions { get; }

    public static TestIssuer Es256(string keyId)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new TestIssuer(keyId, new ECDsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256,
            new SigningKeyOptions { KeyId = keyId, Algorithm = "ES256", PublicKeyPem = key.ExportSubjectPublicKeyInfoPem() });
    }

    public static TestIssuer Rs256(string keyId)
    {
        var key = RSA.Create(2048);
        return new TestIssuer(keyId, new RsaSecurityKey(key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256,
            new SigningKeyOptions { KeyId = keyId, Algorithm = "RS256", PublicKeyPem = key.ExportSubjectPublicKeyInfoPem() });
    }

    public static TestIssuer Hs256(string keyId, string secret) =>
        new(keyId, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) { KeyId = keyId }, SecurityAlgorithms.HmacSha256,
            new SigningKeyOptions { KeyId = keyId, Algorithm = "HS256", Secret = secret });

    public MappaAuthOptions ServerOptions(params TestIssuer[] more) => new()
    {
        Issuer = Issuer,
        Audience = Audience,
        SigningKeys = [KeyOptions, .. more.Select(issuer => issuer.KeyOptions)],
    };

    /// <summary>A token for a Glasgow assessor, valid for an hour from <paramref name="issuedAt"/>.</summary>
    public string Token(
        DateTimeOffset issuedAt,
        TimeSpan? lifetime = null,
        string issuer = Issuer,
        string audience = Audience,
        Action<Dictionary<string, object>>? claims = null)
    {
        var contents = new Dictionary<string, object>
        {
            [MappaClaims.Subject] = "user-4711",
            [MappaClaims.Agency] = "glasgow-cjsw",
            [MappaClaims.AgencyKind] = "SOCIAL_WORK",
            [MappaClaims.Areas] = new[] { "glasgow" },
            [MappaClaims.Roles] = new[] { Role.Assessor },
        };
        claims?.Invoke(contents);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = (issuedAt + (lifetime ?? TimeSpan.FromHours(1))).UtcDateTime,
            Claims = contents,
            SigningCredentials = new SigningCredentials(_signingKey, _algorithm),
        });
    }

    /// <summary>The same claims, unsigned, declaring "alg":"none".</summary>
    public static string UnsignedToken(string keyId, DateTimeOffset issuedAt)
    {
        var header = $$"""{"alg":"none","typ":"JWT","kid":"{{keyId}}"}""";
        var payload = $$"""{"sub":"user-4711","iss":"{{Issuer}}","aud":"{{Audience}}","nbf":{{issuedAt.ToUnixTimeSeconds()}},"exp":{{issuedAt.AddHours(1).ToUnixTimeSeconds()}},"roles":["assessor"]}""";
        return $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.";
    }
}
