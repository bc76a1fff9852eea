using System.Security.Cryptography;
using System.Text;
using Mappa.EveryRpc.Tests.Support;
using Mappa.Grpc;
using Mappa.Security;
using Mappa.Security.Development;
using Mappa.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.EveryRpc.Tests;

/// <summary>
/// The embedded suite configured as production is: no development keys, a partner identity provider's issuer and
/// audience, and two active signing keys (ES256 and RS256, as during a rotation), given as PEM files.
/// </summary>
public sealed class ProductionKeysSuite : RunningSuite
{
    public const string Issuer = "https://idp.police.test/";
    public const string Audience = "mappa-suite";
    public const string CurrentKeyId = "police-2026-07";
    public const string PreviousKeyId = "police-2026-01";

    private readonly string _keyDirectory = Directory.CreateTempSubdirectory("mappa-everyrpc-keys-").FullName;

    public ECDsa CurrentKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA PreviousKey { get; } = RSA.Create(2048);

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration()
    {
        var current = Path.Combine(_keyDirectory, "current.pem");
        var previous = Path.Combine(_keyDirectory, "previous.pem");
        File.WriteAllText(current, CurrentKey.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(previous, PreviousKey.ExportSubjectPublicKeyInfoPem());
        return
        [
            new("Mappa:Auth:Issuer", Issuer),
            new("Mappa:Auth:Audience", Audience),
            new("Mappa:Auth:AllowDevelopmentKeys", "false"),
            new("Mappa:Auth:DevelopmentKeyDirectory", ""),
            new("Mappa:Auth:SigningKeys:0:KeyId", CurrentKeyId),
            new("Mappa:Auth:SigningKeys:0:Algorithm", "ES256"),
            new("Mappa:Auth:SigningKeys:0:PublicKeyFile", current),
            new("Mappa:Auth:SigningKeys:1:KeyId", PreviousKeyId),
            new("Mappa:Auth:SigningKeys:1:Algorithm", "RS256"),
            new("Mappa:Auth:SigningKeys:1:PublicKeyFile", previous),
        ];
    }
}

/// <summary>
/// Tokens end to end: each refused token is sent over HTTP/2 to a real RPC of the running suite (the security
/// library's own tests check the same rules inside the interceptor; these prove the host is wired to them).
/// </summary>
public sealed class TokenTests(ProductionKeysSuite suite) : IClassFixture<ProductionKeysSuite>
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListSubjects = Rpcs.ByName("/mappa.riskassessment.v1.SubjectService/ListSubjects");

    private async Task<CallOutcome> CallWith(string? token)
    {
        using var client = new RawGrpcCaller(suite.Address);
        return await client.CallAsync(ListSubjects, new Contracts.RiskAssessment.V1.ListSubjectsRequest(), token);
    }

    private static string Sign(SecurityKey key, string algorithm, DateTimeOffset? notBefore = null, DateTimeOffset? expires = null,
        string issuer = ProductionKeysSuite.Issuer, string audience = ProductionKeysSuite.Audience) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = DateTime.UtcNow.AddMinutes(-1),
            NotBefore = (notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-1)).UtcDateTime,
            Expires = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [MappaClaims.Subject] = "officer-17",
                [MappaClaims.Agency] = "police-scotland",
                [MappaClaims.AgencyKind] = "POLICE",
                [MappaClaims.Areas] = new[] { Callers.HomeArea },
                [MappaClaims.Roles] = new[] { Role.PoliceOfficer },
            },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    private SecurityKey Current => new ECDsaSecurityKey(suite.CurrentKey) { KeyId = ProductionKeysSuite.CurrentKeyId };

    private SecurityKey Previous => new RsaSecurityKey(suite.PreviousKey) { KeyId = ProductionKeysSuite.PreviousKeyId };

    [Fact]
    public async Task Token_signed_with_the_current_key_is_accepted()
    {
        var outcome = await CallWith(Sign(Current, SecurityAlgorithms.EcdsaSha256));
        Assert.True(outcome.Ok, outcome.ToString());
    }

    [Fact]
    public async Task Token_signed_with_the_second_active_key_is_accepted_during_rotation()
    {
        var outcome = await CallWith(Sign(Previous, SecurityAlgorithms.RsaSha256));
        Assert.True(outcome.Ok, outcome.ToString());
    }

    public static TheoryData<string> RefusedTokens() =>
        ["expired", "not yet valid", "wrong audience", "wrong issuer", "forged with another key under a known kid", "unknown kid",
         "alg none", "HS256 keyed with the public key", "HS256 under its own kid", "development key", "signature of another token", "no token"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Refused_tokens_give_unauthenticated_with_the_one_refusal_message(string kind)
    {
        var outcome = await CallWith(Token(kind));

        Assert.True(outcome.Status == StatusCode.Unauthenticated, $"{kind}: {outcome}");
        Assert.Equal(AuthenticationInterceptor.RefusalMessage, outcome.Message);
    }

    private string? Token(string kind) => kind switch
    {
        // Beyond the 30 s clock skew either way.
        "expired" => Sign(Current, SecurityAlgorithms.EcdsaSha256, notBefore: DateTimeOffset.UtcNow.AddHours(-2), expires: DateTimeOffset.UtcNow.AddMinutes(-5)),
        "not yet valid" => Sign(Current, SecurityAlgorithms.EcdsaSha256, notBefore: DateTimeOffset.UtcNow.AddMinutes(10), expires: DateTimeOffset.UtcNow.AddHours(1)),
        "wrong audience" => Sign(Current, SecurityAlgorithms.EcdsaSha256, audience: "another-suite"),
        "wrong issuer" => Sign(Current, SecurityAlgorithms.EcdsaSha256, issuer: "https://idp.elsewhere.test/"),
        "forged with another key under a known kid" => Sign(
            new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = ProductionKeysSuite.CurrentKeyId }, SecurityAlgorithms.EcdsaSha256),
        "unknown kid" => Sign(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "police-2099-01" }, SecurityAlgorithms.EcdsaSha256),
        "alg none" => Unsigned(),
        // The classic confusion: HMAC keyed with the server's (public) verification key, under that key's kid.
        "HS256 keyed with the public key" => Sign(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(suite.CurrentKey.ExportSubjectPublicKeyInfoPem())) { KeyId = ProductionKeysSuite.CurrentKeyId },
            SecurityAlgorithms.HmacSha256),
        "HS256 under its own kid" => Sign(
            new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "shared-secret" }, SecurityAlgorithms.HmacSha256),
        // A token from `mappa token` / the dev key: production configuration accepts none.
        "development key" => new DevelopmentTokenIssuer(
                DevelopmentKeys.LoadOrCreate(Directory.CreateTempSubdirectory("mappa-everyrpc-devkey-").FullName),
                ProductionKeysSuite.Issuer, ProductionKeysSuite.Audience)
            .Issue(new DevelopmentTokenRequest("dev-user", "police-scotland", "POLICE", [Callers.HomeArea], [Role.PoliceOfficer])),
        "signature of another token" => SwapSignature(),
        "no token" => null,
        _ => throw new ArgumentException(kind),
    };

    private string Unsigned()
    {
        var valid = Sign(Current, SecurityAlgorithms.EcdsaSha256);
        var payload = valid.Split('.')[1];
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{ProductionKeysSuite.CurrentKeyId}}"}""");
        return $"{header}.{payload}.";
    }

    private string SwapSignature()
    {
        // Claims of one valid token with the signature of another (both genuine): the signature covers the claims.
        var first = Sign(Current, SecurityAlgorithms.EcdsaSha256, audience: ProductionKeysSuite.Audience).Split('.');
        var second = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ProductionKeysSuite.Issuer,
            Audience = ProductionKeysSuite.Audience,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { [MappaClaims.Subject] = "someone-else", [MappaClaims.Roles] = new[] { Role.MappaCoordinator } },
            SigningCredentials = new SigningCredentials(Current, SecurityAlgorithms.EcdsaSha256),
        }).Split('.');
        return $"{second[0]}.{second[1]}.{first[2]}";
    }
}
