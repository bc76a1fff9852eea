using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Security.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mappa.Security.Tests.Authorization;

public sealed class AuthorizationInterceptorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TestIssuer _issuer = TestIssuer.Es256("idp-1");

    private IServerInterceptor[] Pipeline()
    {
        var options = _issuer.ServerOptions();
        return
        [
            new AuthenticationInterceptor(new BearerTokenValidator(options, SigningKeyRing.FromOptions(options), _clock),
                NullLogger<AuthenticationInterceptor>.Instance),
            new AuthorizationInterceptor(NullLogger<AuthorizationInterceptor>.Instance),
        ];
    }

    private string TokenFor(params string[] roles) => _issuer.Token(_clock.Now, claims: c => c[MappaClaims.Roles] = roles);

    [Fact]
    public async Task Caller_with_the_permission_reaches_the_handler()
    {
        var call = CallPipeline.NewCall(Methods.CreateSubject, new CreateSubjectRequest(), CallPipeline.Bearer(TokenFor(Role.Assessor)));
        var reached = false;
        var status = await CallPipeline.RunAsync(call, Pipeline(), _ =>
        {
            reached = true;
            return Task.CompletedTask;
        });

        Assert.Equal(StatusCode.OK, status);
        Assert.True(reached);
    }

    [Fact]
    public async Task Caller_without_the_permission_is_denied_before_the_handler()
    {
        var call = CallPipeline.NewCall(Methods.CreateSubject, new CreateSubjectRequest(), CallPipeline.Bearer(TokenFor(Role.PartnerReader)));
        var reached = false;
        var chain = Pipeline();

        var denial = await Assert.ThrowsAsync<RpcException>(() => chain[0].InvokeAsync(call, c => chain[1].InvokeAsync(c, _ =>
        {
            reached = true;
            return Task.CompletedTask;
        })));

        Assert.Equal(StatusCode.PermissionDenied, denial.StatusCode);
        Assert.Contains(Permission.SubjectsWrite, denial.Detail);
        Assert.False(reached);
    }

    [Fact]
    public async Task Undeclared_method_is_denied()
    {
        var call = CallPipeline.NewCall(Methods.Probe("Undeclared"), null, CallPipeline.Bearer(TokenFor(Role.MappaCoordinator)));
        Assert.Equal(StatusCode.PermissionDenied, await CallPipeline.RunAsync(call, Pipeline()));
    }

    [Fact]
    public async Task Token_only_method_admits_a_caller_with_no_roles()
    {
        var call = CallPipeline.NewCall(Methods.Probe("TokenOnly"), null, CallPipeline.Bearer(TokenFor()));
        Assert.Equal(StatusCode.OK, await CallPipeline.RunAsync(call, Pipeline()));
    }

    [Fact]
    public async Task Without_authentication_in_front_a_guarded_method_answers_unauthenticated()
    {
        var call = CallPipeline.NewCall(Methods.GetSubject, new GetSubjectRequest());
        Assert.Equal(StatusCode.Unauthenticated,
            await CallPipeline.RunAsync(call, [new AuthorizationInterceptor(NullLogger<AuthorizationInterceptor>.Instance)]));
    }

    [Fact]
    public async Task Health_passes_without_a_caller()
    {
        var call = CallPipeline.NewCall(Methods.HealthCheck);
        Assert.Equal(StatusCode.OK, await CallPipeline.RunAsync(call, Pipeline()));
    }
}
