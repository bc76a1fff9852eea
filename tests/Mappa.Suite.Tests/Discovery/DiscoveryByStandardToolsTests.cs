using System.Text.Json;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Discovery;

/// <summary>What an operator sees with an off-the-shelf gRPC client (Python grpcio) and no .proto files.</summary>
public sealed class DiscoveryByStandardToolsTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    [Fact]
    public async Task A_grpcio_client_lists_every_service_by_reflection_and_each_reports_serving()
    {
        var (exitCode, output, error) = await TestEnvironment.RunPythonAsync("discover.py", TestEnvironment.RepositoryRoot, suite.Target);

        Assert.True(exitCode == 0, $"discover.py failed ({exitCode}): {error}");
        using var result = JsonDocument.Parse(output);
        var services = result.RootElement.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("mappa.riskassessment.v1.SubjectService", services);
        Assert.Contains("mappa.caseconference.v1.ConferenceService", services);
        Assert.Contains("mappa.scheduling.v1.ReviewCalendarService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
        var health = result.RootElement.GetProperty("health");
        Assert.Equal("SERVING", health.GetProperty("").GetString());
        foreach (var service in services)
        {
            Assert.Equal("SERVING", health.GetProperty(service!).GetString());
        }
    }
}
