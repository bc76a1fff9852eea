using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Security.Development;
using Mappa.Suite;
using Mappa.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Ra = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.Audit.Tests;

/// <summary>Two instances of the suite on the same PostgreSQL databases append to one chain.</summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task Concurrent_calls_to_two_hosts_on_one_postgresql_database_keep_the_chain_valid()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "mappa-audit-two-hosts-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Mappa:Grpc:Port"] = "0",
            ["Mappa:Http:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var module in SuiteHost.Modules())
        {
            settings[$"Mappa:Services:{module.Name}:Database:Provider"] = "Postgres";
            settings[$"Mappa:Services:{module.Name}:Database:ConnectionString"] = await RealServers.CreatePostgresDatabaseAsync("mappa_audit2_" + module.Name);
        }
        var args = settings.Select(s => $"--{s.Key}={s.Value}").ToArray();
        // One data directory, so both hosts trust the same development key.
        await using var first = SuiteHost.Build(args, dataDirectory);
        await first.StartAsync();
        await using var second = SuiteHost.Build(args, dataDirectory);
        await second.StartAsync();
        try
        {
            var tokens = new DevelopmentTokenIssuer(DevelopmentKeys.LoadOrCreate(Path.Combine(dataDirectory, "keys")),
                SuiteHost.DefaultIssuer, SuiteHost.DefaultAudience);
            string Token(string role) => tokens.Issue(new DevelopmentTokenRequest($"test-{role}", "test-agency", "SOCIAL_WORK", ["glasgow"], [role]));
            GrpcChannel Channel(WebApplication host, string role) => new(Address(host), new GrpcChannelOptions
            {
                BearerTokenProvider = _ => ValueTask.FromResult<string?>(Token(role)),
                RetryPolicy = RetryPolicy.None,
            });

            var channels = Enumerable.Range(0, 6).Select(i => Channel(i % 2 == 0 ? first : second, Role.MappaCoordinator)).ToList();
            try
            {
                await Task.WhenAll(channels.Select((channel, c) => Task.Run(async () =>
                {
                    for (var i = 0; i < 10; i++)
                    {
                        await channel.UnaryAsync<Ra.CreateSubjectRequest, Ra.CreateSubjectResponse>(
                            MappaServices.Subjects.FindMethodByName("CreateSubject"),
                            new Ra.CreateSubjectRequest
                            {
                                RequestId = Guid.NewGuid().ToString(),
                                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = $"TWO/{c}/{i}/" + Guid.NewGuid().ToString("N")[..8] } },
                                Category = MappaCategory._1,
                                LeadAgency = AgencyKind.Police,
                                Area = "glasgow",
                                DisplayName = "Two Hosts Person",
                            });
                    }
                })));
            }
            finally
            {
                foreach (var channel in channels) channel.Dispose();
            }

            using var auditor = Channel(second, Role.Auditor);
            var created = await AuditClient.ListAllAsync(auditor, "riskassessment", new() { Caller = "test-mappa-coordinator" });
            var result = await AuditClient.VerifyAsync(auditor, "riskassessment", 0, 0);

            Assert.True(result.Valid, result.Detail);
            Assert.Equal(60, created.Count(e => e.Method == "/mappa.riskassessment.v1.SubjectService/CreateSubject" && e.Outcome == 0));
            Assert.Equal(Enumerable.Range(1, created.Count).Select(p => (long)p), created.Select(e => e.Position));
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private static Uri Address(WebApplication host) =>
        new(host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
