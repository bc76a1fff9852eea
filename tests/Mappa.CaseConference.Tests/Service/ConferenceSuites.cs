using System.Net;
using System.Net.Sockets;
using Mappa.CaseConference.Features.Conferences;
using Mappa.Core.Time;
using Mappa.Testing;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>What every conference suite sets: a simulated conference clock, so a test can let a meeting's start pass.</summary>
internal static class ConferenceSuiteSettings
{
    public static readonly DateTimeOffset ClockStart = new(2030, 1, 7, 9, 0, 0, TimeSpan.Zero);

    public static IEnumerable<KeyValuePair<string, string?>> SimulatedClock() =>
        [new(Mappa.CaseConference.CaseConferenceModule.SimulatedClockStartKey, ClockStart.ToString("O"))];

    public static SimulatedClock Clock(this RunningSuite suite) => suite.Service<ConferenceClock>().Simulated;
}

/// <summary>The embedded suite (SQLite, in-process bus) with RiskAssessment in the same process, as users run it.</summary>
public sealed class ConferenceSuite() : RunningSuite(postgres: false, rabbitMq: false)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => ConferenceSuiteSettings.SimulatedClock();
}

/// <summary>The embedded suite told that RiskAssessment lives at a port where nothing listens.</summary>
public sealed class RiskAssessmentDownSuite() : RunningSuite(postgres: false, rabbitMq: false)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        .. ConferenceSuiteSettings.SimulatedClock(),
        new("Mappa:Services:RiskAssessment:Address", $"http://127.0.0.1:{ClosedPort()}"),
    ];

    // A port the OS just handed out and we released: nothing listens there, so connections are refused at once.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>The deployed shape in one process: fresh PostgreSQL databases and a fresh RabbitMQ virtual host.</summary>
public sealed class ConferencePostgresAndRabbitMqSuite() : RunningSuite(postgres: true, rabbitMq: true)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => ConferenceSuiteSettings.SimulatedClock();
}
