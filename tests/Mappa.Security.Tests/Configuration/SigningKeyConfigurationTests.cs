using System.Security.Cryptography;
using Mappa.Security.Tests.Support;

namespace Mappa.Security.Tests.Configuration;

public sealed class SigningKeyConfigurationTests
{
    private static MappaAuthOptions With(params SigningKeyOptions[] keys) => new()
    {
        Issuer = TestIssuer.Issuer,
        Audience = TestIssuer.Audience,
        SigningKeys = [.. keys],
    };

    private static SigningKeyOptions Es256(string keyId = "k1") => TestIssuer.Es256(keyId).KeyOptions;

    [Fact]
    public void Sound_configuration_has_no_problems()
    {
        Assert.Empty(SigningKeyRing.FindProblems(With(Es256("a"), TestIssuer.Rs256("b").KeyOptions)));
        Assert.Equal(["a", "b"], SigningKeyRing.FromOptions(With(Es256("a"), TestIssuer.Rs256("b").KeyOptions)).KeyIds.Order());
    }

    [Fact]
    public void Each_key_verifies_only_its_own_algorithm()
    {
        var options = With(Es256("ec"), new SigningKeyOptions { KeyId = "hmac", Algorithm = "HS256", Secret = new string('s', 40) });
        options.AllowDevelopmentKeys = true;
        var ring = SigningKeyRing.FromOptions(options);

        Assert.NotNull(ring.Find("ec", "ES256"));
        Assert.Null(ring.Find("ec", "HS256"));
        Assert.Null(ring.Find("ec", "RS256"));
        Assert.Null(ring.Find("hmac", "ES256"));
        Assert.Null(ring.Find("missing", "ES256"));
        Assert.Null(ring.Find(null, "ES256"));
        Assert.Equal(["ES256", "HS256"], ring.Algorithms.Order());
    }

    [Fact]
    public void Issuer_audience_and_at_least_one_key_are_required()
    {
        var problems = SigningKeyRing.FindProblems(new MappaAuthOptions());
        Assert.Contains("Issuer is required.", problems);
        Assert.Contains("Audience is required.", problems);
        Assert.Contains(problems, p => p.StartsWith("At least one signing key"));
    }

    [Fact]
    public void Shared_secrets_are_refused_unless_development_keys_are_allowed()
    {
        var hmac = new SigningKeyOptions { KeyId = "h", Algorithm = "HS256", Secret = new string('s', 40) };
        Assert.Contains(SigningKeyRing.FindProblems(With(hmac)), p => p.Contains("HS256") && p.Contains("AllowDevelopmentKeys"));

        var development = With(hmac);
        development.AllowDevelopmentKeys = true;
        Assert.Empty(SigningKeyRing.FindProblems(development));

        hmac.Secret = "too-short";
        Assert.Contains(SigningKeyRing.FindProblems(development), p => p.Contains("at least 32 bytes"));
    }

    [Fact]
    public void A_private_key_in_configuration_is_refused()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKeyOptions { KeyId = "k", Algorithm = "ES256", PublicKeyPem = ecdsa.ExportPkcs8PrivateKeyPem() };
        Assert.Contains(SigningKeyRing.FindProblems(With(key)), p => p.Contains("private key"));
    }

    [Fact]
    public void Weak_or_mismatched_keys_are_refused()
    {
        using var rsa1024 = RSA.Create(1024);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var problems = SigningKeyRing.FindProblems(With(
            new SigningKeyOptions { KeyId = "weak-rsa", Algorithm = "RS256", PublicKeyPem = rsa1024.ExportSubjectPublicKeyInfoPem() },
            new SigningKeyOptions { KeyId = "p384", Algorithm = "ES256", PublicKeyPem = p384.ExportSubjectPublicKeyInfoPem() },
            new SigningKeyOptions { KeyId = "rsa-as-ec", Algorithm = "ES256", PublicKeyPem = TestIssuer.Rs256("x").KeyOptions.PublicKeyPem },
            new SigningKeyOptions { KeyId = "none", Algorithm = "none", PublicKeyPem = Es256().PublicKeyPem },
            new SigningKeyOptions { KeyId = "not-pem", Algorithm = "ES256", PublicKeyPem = "hello" }));

        Assert.Contains(problems, p => p.Contains("'weak-rsa'") && p.Contains("2048"));
        Assert.Contains(problems, p => p.Contains("'p384'") && p.Contains("P-256"));
        Assert.Contains(problems, p => p.Contains("'rsa-as-ec'") && p.Contains("not a valid EC public key"));
        Assert.Contains(problems, p => p.Contains("'none'") && p.Contains("Algorithm must be"));
        Assert.Contains(problems, p => p.Contains("'not-pem'") && p.Contains("not PEM"));
    }

    [Fact]
    public void Key_ids_must_be_present_and_unique()
    {
        var problems = SigningKeyRing.FindProblems(With(Es256("same"), Es256("same"), Es256("")));
        Assert.Contains(problems, p => p.Contains("'same'") && p.Contains("used by another key"));
        Assert.Contains(problems, p => p.Contains("KeyId is required"));
    }

    [Fact]
    public void Clock_skew_is_bounded()
    {
        var options = With(Es256());
        options.ClockSkew = TimeSpan.FromMinutes(10);
        Assert.Contains(SigningKeyRing.FindProblems(options), p => p.StartsWith("ClockSkew"));
    }

    [Fact]
    public void Public_key_may_come_from_a_file()
    {
        using var directory = new TemporaryDirectory();
        var file = Path.Combine(directory.Path, "police.pem");
        File.WriteAllText(file, Es256().PublicKeyPem);

        Assert.Empty(SigningKeyRing.FindProblems(With(new SigningKeyOptions { KeyId = "f", Algorithm = "ES256", PublicKeyFile = file })));
        Assert.Contains(SigningKeyRing.FindProblems(With(new SigningKeyOptions { KeyId = "f", Algorithm = "ES256", PublicKeyFile = file + ".missing" })),
            p => p.Contains("cannot read PublicKeyFile"));
    }

    [Fact]
    public void Building_the_ring_reports_every_problem_at_once()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => SigningKeyRing.FromOptions(new MappaAuthOptions()));
        Assert.Contains("Mappa:Auth", failure.Message);
        Assert.Contains("Issuer is required.", failure.Message);
        Assert.Contains("Audience is required.", failure.Message);
    }
}
