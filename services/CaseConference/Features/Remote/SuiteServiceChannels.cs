using System.Collections.Concurrent;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Security.Development;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Mappa.CaseConference.Features.Remote;

/// <summary>
/// Channels to the suite's other services, on this service's own credentials: a configured bearer token, or with
/// development keys a development token (role "system", all areas). The caller's token is never forwarded.
/// An unconfigured address means "this process" (the embedded suite), resolved at the first call.
/// </summary>
public sealed class SuiteServiceChannels(IOptions<MappaAuthOptions> authOptions, TimeProvider time, IServer? server = null) : IDisposable
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private DevelopmentTokenIssuer? _issuer;
    private (string Token, DateTimeOffset RenewAt)? _developmentToken;

    /// <param name="address">The service's configured address, or null for this process's own gRPC endpoint.</param>
    /// <param name="bearerToken">A configured token for this service, or null for the development token (if allowed).</param>
    public GrpcChannel For(string? address, string? bearerToken)
    {
        var target = string.IsNullOrWhiteSpace(address) ? OwnAddress() : address;
        return _channels.GetOrAdd(target + "|" + bearerToken, _ => new GrpcChannel(new Uri(target), new GrpcChannelOptions
        {
            BearerTokenProvider = _ => ValueTask.FromResult(string.IsNullOrWhiteSpace(bearerToken) ? DevelopmentToken() : bearerToken),
        }));
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
            channel.Dispose();
    }

    // Resolved lazily: in the embedded suite the port is only known once Kestrel listens.
    private string OwnAddress()
    {
        var own = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Configure the service's address (Mappa:Services:<Name>:Address): this process has no gRPC address to call.");
        return own.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://+", "://localhost");
    }

    private string? DevelopmentToken()
    {
        if (!authOptions.Value.AllowDevelopmentKeys)
            return null;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_developmentToken is { } cached && now < cached.RenewAt)
                return cached.Token;
            _issuer ??= DevelopmentTokenIssuer.ForOptions(authOptions.Value, time);
            var token = _issuer.Issue(new DevelopmentTokenRequest(
                "mappa-caseconference", "mappa-caseconference", "", ["*"], [Role.System]) { Lifetime = TokenLifetime });
            _developmentToken = (token, now + TokenLifetime / 2);
            return token;
        }
    }
}
