using Mappa.Load;
using Mappa.Testing;
using Xunit.Abstractions;

namespace Mappa.Hosting.Tests;

/// <summary>
/// The load tool, briefly, against the three services as separate processes on the shared PostgreSQL and RabbitMQ
/// (its own databases and vhost): every RPC of the mix is called and none fails. No timing is asserted.
/// </summary>
public sealed class LoadSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_load_run_calls_every_rpc_of_the_mix_without_a_single_error()
    {
        _ = RealServers.PostgresConnectionString; // fails with "run ./test.sh" when the servers are not there
        _ = RealServers.RabbitMq;
        var options = new LoadOptions
        {
            Clients = 4,
            DurationSeconds = 3,
            WarmUpSeconds = 0,
            BaselineSeconds = 1,
            // Generous: ScheduleConference refuses a start that has passed when it is handled, and CI machines are loaded.
            ConferenceLeadSeconds = 10,
            RepositoryRoot = TestEnvironment.RepositoryRoot,
            Quiet = true,
        };

        var result = await LoadRun.RunAsync(options, line => output.WriteLine(line));

        output.WriteLine(Report.Markdown(result));
        Assert.Empty(result.Errors);
        Assert.All(result.Services, s => Assert.True(s.Alive, $"{s.Instance} exited"));
        foreach (var rpc in Workload.Rpcs)
        {
            Assert.True(result.Rpcs.SingleOrDefault(r => r.Rpc == rpc) is { } called && called.Calls + called.CallsAfterWindow > 0, $"{rpc} was not called");
        }
        Assert.True(result.Baseline.PerSecond > 0);
        Assert.All(result.Services, s => Assert.True(s.RssBytes > 0));
        Assert.NotNull(result.OutboxDrainedAfterSeconds);
        Assert.True(result.Services.Single(s => s.Instance == "scheduling-1").ConsumedMessages > 0);
    }
}
