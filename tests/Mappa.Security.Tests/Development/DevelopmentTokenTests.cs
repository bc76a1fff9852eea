using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Mappa.Security.Development;
using Mappa.Security.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mappa.Security.Tests.Development;

public sealed class DevelopmentTokenTests : IDisposable
{
    private readonly TemporaryDirectory _home = new();
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => _home.Dispose();

    private MappaAuthOptions DevelopmentServer() => new()
    {
        Issuer = "mappa-dev",
        Audience = "mappa-suite",
        AllowDevelopmentKeys = true,
        DevelopmentKeyDirectory = Path.Combine(_home.Path, ".mappa"),
    };

    private async Task<(StatusCode Status, CallerIdentity? Caller)> CallWith(MappaAuthOptions options, string token)
    {
        var interceptor = new AuthenticationInterceptor(
            new BearerTokenValidator(options, SigningKeyRing.FromOptions(options), _clock), NullLogger<AuthenticationInterceptor>.Instance);
        var call = CallPipeline.NewCall(Methods.GetSubject, null, CallPipeline.Bearer(token));
        var status = await CallPipeline.RunAsync(call, [interceptor]);
        return (status, call.TryGetCaller());
    }

    [Fact]
    public void Key_is_created_once_and_reused()
    {
        var directory = Path.Combine(_home.Path, ".mappa");
        using var first = DevelopmentKeys.LoadOrCreate(directory);
        using var second = DevelopmentKeys.LoadOrCreate(directory);

        Assert.StartsWith(DevelopmentKeys.KeyIdPrefix, first.KeyId);
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.Equal(first.PublicKeyPem, second.PublicKeyPem);
        Assert.Equal(Path.Combine(directory, DevelopmentKeys.FileName), first.FilePath);
        Assert.Single(Directory.GetFiles(directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.FilePath));
        }
    }

    [Fact]
    public async Task Issued_token_round_trips_through_a_development_server()
    {
        var options = DevelopmentServer();
        var issuer = DevelopmentTokenIssuer.ForOptions(options, _clock);
        var token = issuer.Issue(new DevelopmentTokenRequest(
            "dev-officer", "police-scotland", "POLICE", ["glasgow", "edinburgh"], [Role.PoliceOfficer, Role.Manager]));

        var (status, caller) = await CallWith(options, token);

        Assert.Equal(StatusCode.OK, status);
        Assert.NotNull(caller);
        Assert.Equal("dev-officer", caller.Subject);
        Assert.Equal("police-scotland", caller.Agency);
        Assert.Equal(AgencyKind.Police, caller.AgencyKind);
        Assert.Equal(["glasgow", "edinburgh"], caller.Areas);
        Assert.Equal([Role.PoliceOfficer, Role.Manager], caller.Roles);
    }

    [Fact]
    public async Task Issued_token_expires_after_its_lifetime()
    {
        var options = DevelopmentServer();
        var token = DevelopmentTokenIssuer.ForOptions(options, _clock).Issue(
            new DevelopmentTokenRequest("dev-user", "glasgow-cjsw", "SOCIAL_WORK", ["glasgow"], [Role.Assessor]) { Lifetime = TimeSpan.FromMinutes(10) });

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(StatusCode.OK, (await CallWith(options, token)).Status);
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(StatusCode.Unauthenticated, (await CallWith(options, token)).Status);
    }

    [Fact]
    public async Task Development_token_is_refused_by_a_production_server()
    {
        var development = DevelopmentServer();
        var token = DevelopmentTokenIssuer.ForOptions(development, _clock)
            .Issue(new DevelopmentTokenRequest("dev-user", "x", "POLICE", ["*"], [Role.MappaCoordinator]));
        var production = TestIssuer.Es256("police-2025").ServerOptions();
        production.Issuer = development.Issuer;
        production.Audience = development.Audience;

        Assert.Equal(StatusCode.Unauthenticated, (await CallWith(production, token)).Status);
    }

    [Fact]
    public void Production_configuration_refuses_development_keys()
    {
        using var key = DevelopmentKeys.LoadOrCreate(Path.Combine(_home.Path, ".mappa"));
        var options = new MappaAuthOptions
        {
            Issuer = "mappa-dev",
            Audience = "mappa-suite",
            SigningKeys = [key.ToSigningKeyOptions()],
            DevelopmentKeyDirectory = Path.Combine(_home.Path, ".mappa"),
        };

        var problems = SigningKeyRing.FindProblems(options);

        Assert.Contains(problems, p => p.Contains("development key") && p.Contains(key.KeyId));
        Assert.Contains(problems, p => p.StartsWith("DevelopmentKeyDirectory"));
        Assert.Throws<InvalidOperationException>(() => DevelopmentTokenIssuer.ForOptions(options));
    }

    [Fact]
    public void Checking_options_does_not_create_the_key_file()
    {
        var options = DevelopmentServer();
        Assert.Empty(SigningKeyRing.FindProblems(options));
        Assert.False(Directory.Exists(options.DevelopmentKeyDirectory));
    }

    [Fact]
    public void Lifetime_must_be_positive_and_bounded()
    {
        var issuer = DevelopmentTokenIssuer.ForOptions(DevelopmentServer(), _clock);
        var request = new DevelopmentTokenRequest("u", "a", "POLICE", [], []);
        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.Issue(request with { Lifetime = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.Issue(request with { Lifetime = TimeSpan.FromDays(30) }));
    }
}
