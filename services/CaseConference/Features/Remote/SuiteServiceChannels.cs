using System.Collections.Concurrent;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Security.Development;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Mappa.CaseConference.Features.Remote;

/// <summary>
/// Channels to the suite's other services, on this service's own credentials: a token file kept fresh by the
/// deployment, a configured bearer token, or with development keys a development token (role "system", all areas). The caller's token is never forwarded.
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
    /// <param name="bearerTokenFile">A file holding the current token, re-read when it changes; wins over <paramref name="bearerToken"/>.</param>
    public GrpcChannel For(string? address, string? bearerToken, string? bearerTokenFile = null)
    {
        var target = string.IsNullOrWhiteSpace(address) ? OwnAddress() : address;
        return _channels.GetOrAdd(target + "|" + bearerToken + "|" + bearerTokenFile, _ =>
        {
            var tokenFile = string.IsNullOrWhiteSpace(bearerTokenFile) ? null : new TokenFile(bearerTokenFile);
            return new GrpcChannel(new Uri(target), new GrpcChannelOptions
            {
                BearerTokenProvider = _ => ValueTask.FromResult(
                    tokenFile is not null ? tokenFile.Current() : string.IsNullOrWhiteSpace(bearerToken) ? DevelopmentToken() : bearerToken),
            });
        });
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

    /// <summary>A token on disk, read again only when the file's write time changes.</summary>
    private sealed class TokenFile(string path)
    {
        private readonly Lock _gate = new();
        private (DateTime WrittenAt, string? Token)? _cached;

        public string? Current()
        {
            lock (_gate)
            {
                try
                {
                    var writtenAt = File.GetLastWriteTimeUtc(path);
                    if (_cached is not { } cached || cached.WrittenAt != writtenAt)
                        _cached = (writtenAt, File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null);
                }
                catch (IOException)
                {
                    // Mid-rotation or missing: keep the last token read; the callee refuses it once it expires.
                }
                catch (UnauthorizedAccessException)
                {
                }
                return _cached?.Token;
            }
        }
    }
}
