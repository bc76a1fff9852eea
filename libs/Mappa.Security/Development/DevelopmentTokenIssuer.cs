using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security.Development;

/// <summary>What a development token says about its caller.</summary>
public sealed record DevelopmentTokenRequest(
    string Subject,
    string Agency,
    string AgencyKind,
    IReadOnlyList<string> Areas,
    IReadOnlyList<string> Roles)
{
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Signs tokens with the local development key, for trying the API by hand and for tests. A server accepts them
/// only with <see cref="MappaAuthOptions.AllowDevelopmentKeys"/> and the same key directory.
/// </summary>
public sealed class DevelopmentTokenIssuer
{
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromDays(7);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly DevelopmentSigningKey _key;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    public DevelopmentTokenIssuer(DevelopmentSigningKey key, string issuer, string audience, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        _key = key;
        _issuer = issuer;
        _audience = audience;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>An issuer for the server configured by <paramref name="options"/> (its issuer, audience and key directory).</summary>
    public static DevelopmentTokenIssuer ForOptions(MappaAuthOptions options, TimeProvider? timeProvider = null)
    {
        if (!options.AllowDevelopmentKeys)
        {
            throw new InvalidOperationException("Development tokens need AllowDevelopmentKeys: this configuration refuses them.");
        }
        return new DevelopmentTokenIssuer(
            DevelopmentKeys.LoadOrCreate(options.DevelopmentKeyDirectory), options.Issuer, options.Audience, timeProvider);
    }

    /// <summary>A signed compact JWT (ES256) valid from now for the request's lifetime.</summary>
    public string Issue(DevelopmentTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Subject);
        if (request.Lifetime <= TimeSpan.Zero || request.Lifetime > MaximumLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Lifetime must be positive and at most {MaximumLifetime.TotalDays} days.");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = _audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + request.Lifetime,
            SigningCredentials = _key.CreateSigningCredentials(),
            Claims = new Dictionary<string, object>
            {
                [MappaClaims.Subject] = request.Subject,
                [MappaClaims.Agency] = request.Agency,
                [MappaClaims.AgencyKind] = request.AgencyKind,
                [MappaClaims.Areas] = request.Areas.ToArray(),
                [MappaClaims.Roles] = request.Roles.ToArray(),
            },
        };
        return Handler.CreateToken(descriptor);
    }
}
