using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Security.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security.Tests.Authentication;

public sealed class AuthenticationInterceptorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TestIssuer _police = TestIssuer.Es256("police-2025-01");

    private AuthenticationInterceptor Interceptor(MappaAuthOptions options, ILoggerFactory? logs = null) =>
        new(new BearerTokenValidator(options, SigningKeyRing.FromOptions(options), _clock),
            (logs ?? NullLoggerFactory.Instance).CreateLogger<AuthenticationInterceptor>());

    private async Task<(StatusCode Status, ServerCallContext Call, bool HandlerRan)> CallGetSubject(
        string? token, MappaAuthOptions? options = null, ILoggerFactory? logs = null)
    {
        var call = token is null
            ? CallPipeline.NewCall(Methods.GetSubject, new GetSubjectRequest { SubjectId = "s-1" })
            : CallPipeline.NewCall(Methods.GetSubject, new GetSubjectRequest { SubjectId = "s-1" }, CallPipeline.Bearer(token));
        var handlerRan = false;
        var status = await CallPipeline.RunAsync(call, [Interceptor(options ?? _police.ServerOptions(), logs)], _ =>
        {
            handlerRan = true;
            return Task.CompletedTask;
        });
        return (status, call, handlerRan);
    }

    [Fact]
    public async Task Valid_token_is_accepted_and_the_caller_is_known_to_the_handler()
    {
        var (status, call, handlerRan) = await CallGetSubject(_police.Token(_clock.Now));

        Assert.Equal(StatusCode.OK, status);
        Assert.True(handlerRan);
        Assert.True(call.User.Identity?.IsAuthenticated);
        var caller = call.Caller();
        Assert.Equal("user-4711", caller.Subject);
        Assert.Equal("glasgow-cjsw", caller.Agency);
        Assert.Equal(AgencyKind.SocialWork, caller.AgencyKind);
        Assert.Equal(["glasgow"], caller.Areas);
        Assert.Equal([Role.Assessor], caller.Roles);
    }

    [Fact]
    public async Task Rs256_token_is_accepted()
    {
        var rsa = TestIssuer.Rs256("police-rsa");
        var (status, _, _) = await CallGetSubject(rsa.Token(_clock.Now), rsa.ServerOptions());
        Assert.Equal(StatusCode.OK, status);
    }

    [Fact]
    public async Task Missing_authorization_answers_unauthenticated_without_running_the_handler()
    {
        var (status, _, handlerRan) = await CallGetSubject(token: null);
        Assert.Equal(StatusCode.Unauthenticated, status);
        Assert.False(handlerRan);
    }

    [Fact]
    public async Task Non_bearer_authorization_answers_unauthenticated()
    {
        var call = CallPipeline.NewCall(Methods.GetSubject, null, ("authorization", "Basic dXNlcjpwYXNz"));
        Assert.Equal(StatusCode.Unauthenticated, await CallPipeline.RunAsync(call, [Interceptor(_police.ServerOptions())]));
    }

    [Fact]
    public async Task Garbage_token_answers_unauthenticated()
    {
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject("not-a-jwt")).Status);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject("a.b.c")).Status);
    }

    [Fact]
    public async Task Expired_token_answers_unauthenticated()
    {
        var token = _police.Token(_clock.Now.AddHours(-2), TimeSpan.FromHours(1));
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Expiry_tolerates_the_configured_clock_skew_and_no_more()
    {
        var token = _police.Token(_clock.Now.AddHours(-1), TimeSpan.FromHours(1));

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(StatusCode.OK, (await CallGetSubject(token)).Status);

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Not_yet_valid_token_answers_unauthenticated_beyond_the_skew()
    {
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(_police.Token(_clock.Now.AddMinutes(5)))).Status);
        Assert.Equal(StatusCode.OK, (await CallGetSubject(_police.Token(_clock.Now.AddSeconds(10)))).Status);
    }

    [Fact]
    public async Task Clock_skew_is_configurable()
    {
        var options = _police.ServerOptions();
        options.ClockSkew = TimeSpan.Zero;
        var token = _police.Token(_clock.Now.AddHours(-1).AddSeconds(-1), TimeSpan.FromHours(1));
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token, options)).Status);
    }

    [Fact]
    public async Task Wrong_audience_answers_unauthenticated()
    {
        var token = _police.Token(_clock.Now, audience: "some-other-service");
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Wrong_issuer_answers_unauthenticated()
    {
        var token = _police.Token(_clock.Now, issuer: "https://idp.elsewhere.test/");
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Unknown_key_id_answers_unauthenticated()
    {
        var stranger = TestIssuer.Es256("not-configured");
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(stranger.Token(_clock.Now))).Status);
    }

    [Fact]
    public async Task Token_signed_by_another_key_under_a_known_key_id_answers_unauthenticated()
    {
        var impostor = TestIssuer.Es256(_police.KeyId);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(impostor.Token(_clock.Now))).Status);
    }

    [Fact]
    public async Task Tampered_signature_answers_unauthenticated()
    {
        var token = _police.Token(_clock.Now);
        var signatureStart = token.LastIndexOf('.') + 1;
        var flipped = token[signatureStart + 5] == 'A' ? 'B' : 'A';
        var tampered = string.Concat(token.AsSpan(0, signatureStart + 5), flipped.ToString(), token.AsSpan(signatureStart + 6));

        Assert.Equal(StatusCode.OK, (await CallGetSubject(token)).Status);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(tampered)).Status);
    }

    [Fact]
    public async Task Tampered_claims_answer_unauthenticated()
    {
        var genuine = _police.Token(_clock.Now).Split('.');
        var promoted = _police.Token(_clock.Now, claims: c => c[MappaClaims.Roles] = new[] { Role.MappaCoordinator }).Split('.');
        var spliced = $"{genuine[0]}.{promoted[1]}.{genuine[2]}";

        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(spliced)).Status);
    }

    [Fact]
    public async Task Unsigned_none_algorithm_token_answers_unauthenticated()
    {
        var token = TestIssuer.UnsignedToken(_police.KeyId, _clock.Now);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Hs256_token_answers_unauthenticated_when_only_es256_keys_are_configured()
    {
        // The classic confusion attack: HMAC keyed with the server's public key, under the public key's kid.
        var confused = TestIssuer.Hs256(_police.KeyId, _police.KeyOptions.PublicKeyPem!);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(confused.Token(_clock.Now))).Status);
    }

    [Fact]
    public async Task Hs256_token_is_accepted_when_its_secret_is_configured_for_development()
    {
        var development = TestIssuer.Hs256("dev-hmac", "a-development-secret-of-32-bytes!!");
        var options = development.ServerOptions();
        options.AllowDevelopmentKeys = true;
        Assert.Equal(StatusCode.OK, (await CallGetSubject(development.Token(_clock.Now), options)).Status);
    }

    [Fact]
    public async Task During_rotation_tokens_signed_with_either_key_are_accepted()
    {
        var next = TestIssuer.Rs256("police-2025-07");
        var options = _police.ServerOptions(next);

        Assert.Equal(StatusCode.OK, (await CallGetSubject(_police.Token(_clock.Now), options)).Status);
        Assert.Equal(StatusCode.OK, (await CallGetSubject(next.Token(_clock.Now), options)).Status);
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(next.Token(_clock.Now))).Status);
    }

    [Fact]
    public async Task Token_without_a_subject_answers_unauthenticated()
    {
        var token = _police.Token(_clock.Now, claims: c => c.Remove(MappaClaims.Subject));
        Assert.Equal(StatusCode.Unauthenticated, (await CallGetSubject(token)).Status);
    }

    [Fact]
    public async Task Health_is_answered_without_a_token()
    {
        var call = CallPipeline.NewCall(Methods.HealthCheck);
        var handlerRan = false;
        var status = await CallPipeline.RunAsync(call, [Interceptor(_police.ServerOptions())], _ =>
        {
            handlerRan = true;
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCode.OK, status);
        Assert.True(handlerRan);
        Assert.Null(call.TryGetCaller());
    }

    [Fact]
    public async Task Refusals_say_nothing_specific_and_logs_say_why_without_the_token()
    {
        var logs = new CapturingLoggerProvider();
        var token = _police.Token(_clock.Now.AddHours(-3));
        var call = CallPipeline.NewCall(Methods.GetSubject, null, CallPipeline.Bearer(token));

        var refusal = await Assert.ThrowsAsync<RpcException>(() =>
            Interceptor(_police.ServerOptions(), logs.CreateFactory()).InvokeAsync(call, _ => Task.CompletedTask));

        Assert.Equal(StatusCode.Unauthenticated, refusal.StatusCode);
        Assert.Equal(AuthenticationInterceptor.RefusalMessage, refusal.Detail);
        var line = Assert.Single(logs.Lines, l => l.Category == typeof(AuthenticationInterceptor).FullName);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Contains(nameof(SecurityTokenExpiredException), line.Message);
        Assert.Contains("/mappa.riskassessment.v1.SubjectService/GetSubject", line.Message);
        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains(signature) || l.Message.Contains(token.Split('.')[1]));
    }
}
