using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security;

/// <summary>The result of validating one bearer token: a principal, or why it was refused (never the token).</summary>
public readonly record struct TokenValidationOutcome(ClaimsPrincipal? Principal, string? FailureReason)
{
    public bool IsValid => Principal is not null;
}

/// <summary>
/// Validates JWT bearer tokens: signature by a configured key chosen by <c>kid</c> and bound to one algorithm,
/// issuer, audience, exp/nbf against the injected clock with a small skew. Thread-safe; one per process.
/// </summary>
public sealed class BearerTokenValidator
{
    /// <summary>Longer tokens are refused before parsing; real access tokens are a few KB at most.</summary>
    public const int MaximumTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaximumTokenLength };
    private readonly TokenValidationParameters _parameters;

    public BearerTokenValidator(IOptions<MappaAuthOptions> options, TimeProvider timeProvider)
        : this(options.Value, SigningKeyRing.FromOptions(options.Value), timeProvider)
    {
    }

    public BearerTokenValidator(MappaAuthOptions options, SigningKeyRing keys, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Keys = keys;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            RequireAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = options.ClockSkew,
            // TokenValidationParameters.TimeProvider is internal in 8.16, so lifetime is checked here on our clock.
            LifetimeValidator = (notBefore, expires, _, _) => CheckLifetime(notBefore, expires, timeProvider, options.ClockSkew),
            ValidAlgorithms = keys.Algorithms,
            // The key must be named by kid and meant for the token's algorithm; never try every key.
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = (_, token, keyId, _) =>
                keys.Find(keyId, (token as JsonWebToken)?.Alg) is { } key ? [key] : [],
            NameClaimType = MappaClaims.Subject,
            RoleClaimType = MappaClaims.Roles,
            AuthenticationType = "Bearer",
            LogValidationExceptions = false,
        };
    }

    public SigningKeyRing Keys { get; }

    private static bool CheckLifetime(DateTime? notBefore, DateTime? expires, TimeProvider time, TimeSpan skew)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }
        if (notBefore is { } from && (from > expires.Value || from > now + skew))
        {
            throw new SecurityTokenNotYetValidException("The token is not yet valid.");
        }
        if (expires.Value <= now - skew)
        {
            throw new SecurityTokenExpiredException("The token has expired.");
        }
        return true;
    }

    public async Task<TokenValidationOutcome> ValidateAsync(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new(null, "empty token");
        }
        if (token.Length > MaximumTokenLength)
        {
            return new(null, "token too long");
        }
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, _parameters).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return new(null, e.GetType().Name);
        }
        if (!result.IsValid)
        {
            // The exception type says why (expired, bad signature, wrong audience...) without echoing token content.
            return new(null, result.Exception?.GetType().Name ?? "invalid token");
        }
        return new(new ClaimsPrincipal(result.ClaimsIdentity), null);
    }
}
