using System.Net;
using System.Net.Sockets;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Suite.Tests.Operations;

/// <summary>The suite with its operators' HTTP/1.1 endpoint open on a free port.</summary>
public sealed class SuiteWithOperatorEndpoint : RunningSuite
{
    public int OperatorPort { get; } = FreePort();

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [new("Mappa:Http:Port", OperatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What operators (and container health checks) read over plain HTTP.</summary>
public sealed class OperatorEndpointTests(SuiteWithOperatorEndpoint suite) : IClassFixture<SuiteWithOperatorEndpoint>
{
    private HttpClient Operator() => new() { BaseAddress = new Uri($"http://127.0.0.1:{suite.OperatorPort}") };

    [Fact]
    public async Task Healthz_reports_healthy_when_every_database_answers()
    {
        using var http = Operator();

        var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_count_calls_by_method_and_status_in_prometheus_text()
    {
        using var anonymous = suite.Channel(token: null);
        await Assert.ThrowsAsync<RpcException>(() => anonymous.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            MappaServices.Subjects.FindMethodByName("ListSubjects"), new ListSubjectsRequest()));
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        await coordinator.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(
            MappaServices.Subjects.FindMethodByName("ListSubjects"), new ListSubjectsRequest());
        using var http = Operator();

        var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("mappa_grpc_server_handled_total{method=\"/mappa.riskassessment.v1.SubjectService/ListSubjects\",code=\"Unauthenticated\"} 1", text);
        Assert.Contains("mappa_grpc_server_handled_total{method=\"/mappa.riskassessment.v1.SubjectService/ListSubjects\",code=\"OK\"} 1", text);
        Assert.Contains("mappa_grpc_server_handling_seconds_count{method=\"/mappa.riskassessment.v1.SubjectService/ListSubjects\"} 2", text);
    }

    [Fact]
    public async Task The_operator_paths_are_not_served_on_the_grpc_port()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var response = await http.GetAsync(new Uri(suite.Address, "/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
