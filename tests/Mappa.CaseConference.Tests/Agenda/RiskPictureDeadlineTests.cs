using System.Collections.Concurrent;
using Mappa.CaseConference.Features.Agenda;
using Mappa.CaseConference.Features.Remote;
using Mappa.Grpc.Client;
using Mappa.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mappa.CaseConference.Tests.Agenda;

/// <summary>
/// The outgoing RiskAssessment calls against a stand-in server that records what it was sent and answers UNAVAILABLE:
/// the caller's deadline travels with each call, and the service's own token (never the caller's) is sent.
/// </summary>
public sealed class RiskPictureDeadlineTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string? Timeout, string? Authorization, string? RequestId)> _received = new();
    private WebApplication? _standIn;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        _standIn = builder.Build();
        _standIn.Run(context =>
        {
            _received.Enqueue((context.Request.Path, context.Request.Headers["grpc-timeout"], context.Request.Headers.Authorization,
                context.Request.Headers["x-request-id"]));
            // Trailers-only UNAVAILABLE, with a pushback that says "do not retry", so each call is seen once.
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-retry-pushback-ms"] = "-1";
            return Task.CompletedTask;
        });
        await _standIn.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_standIn is not null)
            await _standIn.DisposeAsync();
    }

    [Fact]
    public async Task Each_call_to_risk_assessment_carries_the_callers_deadline_request_id_and_the_services_own_token()
    {
        var address = _standIn!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var channels = new SuiteServiceChannels(Options.Create(new MappaAuthOptions()), TimeProvider.System);
        var pictures = new RiskAssessmentRiskPictures(
            Options.Create(new RiskAssessmentClientOptions { Address = address, Timeout = TimeSpan.FromHours(1), BearerToken = "service-token" }),
            channels,
            NullLogger<RiskAssessmentRiskPictures>.Instance);
        var callerDeadline = DateTime.UtcNow.AddSeconds(30);

        var picture = await pictures.FetchAsync("subject-1", new CallOptions
        {
            DeadlineUtc = callerDeadline,
            Headers = new Mappa.Grpc.Metadata { { CallOptions.RequestIdHeader, "req-42" } },
        });

        Assert.Equal(RiskSummaryAvailability.Unavailable, picture.Availability);
        Assert.Equal("UNAVAILABLE", picture.UnavailableStatus);
        Assert.Equal(
            ["/mappa.riskassessment.v1.AssessmentService/GetRiskSummary", "/mappa.riskassessment.v1.SubjectService/GetSubject"],
            _received.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(_received, received =>
        {
            // An hour's cap, but the caller allowed 30 s: the deadline sent is the caller's.
            Assert.InRange(GrpcTimeoutMilliseconds(received.Timeout), 1, 30_000);
            Assert.Equal("Bearer service-token", received.Authorization);
            Assert.Equal("req-42", received.RequestId);
        });
    }

    [Fact]
    public async Task A_token_file_renewed_on_disk_is_sent_from_the_next_call_on()
    {
        var address = _standIn!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var tokenFile = Path.Combine(Path.GetTempPath(), $"mappa-service-token-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, "first-token\n");
        try
        {
            using var channels = new SuiteServiceChannels(Options.Create(new MappaAuthOptions()), TimeProvider.System);
            var pictures = new RiskAssessmentRiskPictures(
                Options.Create(new RiskAssessmentClientOptions { Address = address, BearerToken = "configured-token", BearerTokenFile = tokenFile }),
                channels,
                NullLogger<RiskAssessmentRiskPictures>.Instance);

            await pictures.FetchAsync("subject-1", new CallOptions());
            await File.WriteAllTextAsync(tokenFile, "renewed-token");
            File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddMinutes(1)); // a renewal within the file system's time resolution
            await pictures.FetchAsync("subject-1", new CallOptions());

            var sent = _received.Select(r => r.Authorization).ToList();
            Assert.Equal(4, sent.Count);
            Assert.Equal(["Bearer first-token", "Bearer first-token"], sent.Take(2));
            Assert.Equal(["Bearer renewed-token", "Bearer renewed-token"], sent.Skip(2));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    // "29984m", "30S", "1H" ... to milliseconds.
    private static long GrpcTimeoutMilliseconds(string? header)
    {
        Assert.False(string.IsNullOrEmpty(header), "no grpc-timeout header was sent");
        var value = long.Parse(header[..^1], System.Globalization.CultureInfo.InvariantCulture);
        return header[^1] switch
        {
            'H' => value * 3_600_000,
            'M' => value * 60_000,
            'S' => value * 1_000,
            'm' => value,
            'u' => value / 1_000,
            'n' => value / 1_000_000,
            _ => throw new Xunit.Sdk.XunitException($"Unknown grpc-timeout unit in '{header}'."),
        };
    }
}
