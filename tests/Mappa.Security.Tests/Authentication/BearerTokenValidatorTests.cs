using Mappa.Security.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security.Tests.Authentication;

/// <summary>One validator serving many calls, as in a server: what it remembers must never widen what it accepts.</summary>
public sealed class BearerTokenValidatorTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly TestIssuer _issuer = TestIssuer.Es256("idp-1");
    private readonly BearerTokenValidator _validator;

    public BearerTokenValidatorTests()
    {
        var options = _issuer.ServerOptions();
        _validator = new BearerTokenValidator(options, SigningKeyRing.FromOptions(options), _clock);
    }

    [Fact]
    public async Task A_token_accepted_earlier_is_refused_once_it_expires()
    {
        var token = _issuer.Token(_clock.Now, TimeSpan.FromMinutes(5));
        Assert.True((await _validator.ValidateAsync(token)).IsValid);

        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True((await _validator.ValidateAsync(token)).IsValid);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await _validator.ValidateAsync(token);
        Assert.False(expired.IsValid);
        Assert.Equal(nameof(SecurityTokenExpiredException), expired.FailureReason);
    }

    [Fact]
    public async Task Altering_an_accepted_token_is_still_refused()
    {
        var token = _issuer.Token(_clock.Now);
        Assert.True((await _validator.ValidateAsync(token)).IsValid);

        var genuine = token.Split('.');
        var promoted = _issuer.Token(_clock.Now, claims: c => c[MappaClaims.Roles] = new[] { Role.MappaCoordinator }).Split('.');
        Assert.False((await _validator.ValidateAsync($"{genuine[0]}.{promoted[1]}.{genuine[2]}")).IsValid);
        Assert.False((await _validator.ValidateAsync(token + "x")).IsValid);
    }

    [Fact]
    public async Task Repeated_validation_gives_the_same_caller_and_a_principal_per_call()
    {
        var token = _issuer.Token(_clock.Now);
        var first = await _validator.ValidateAsync(token);
        var second = await _validator.ValidateAsync(token);

        Assert.Equal("user-4711", second.Caller!.Subject);
        Assert.Equal(first.Caller!.Roles, second.Caller.Roles);
        Assert.NotSame(first.Principal, second.Principal);
        Assert.Equal("user-4711", second.Principal!.FindFirst(MappaClaims.Subject)?.Value);
    }

    [Fact]
    public async Task A_token_refused_as_not_yet_valid_is_accepted_when_its_time_comes()
    {
        var token = _issuer.Token(_clock.Now.AddMinutes(2));
        Assert.False((await _validator.ValidateAsync(token)).IsValid);

        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await _validator.ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task Oversized_token_is_refused_before_parsing()
    {
        var outcome = await _validator.ValidateAsync(new string('a', BearerTokenValidator.MaximumTokenLength + 1));
        Assert.Equal("token too long", outcome.FailureReason);
    }
}
