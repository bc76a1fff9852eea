namespace Mappa.Reliability.Tests.Infrastructure;

/// <summary>
/// The short form runs in CI (./test.sh); scripts/fault-tests.sh sets MAPPA_FAULT_LONG=1 for longer outages and
/// more load.
/// </summary>
public static class FaultSettings
{
    public static bool Long => Environment.GetEnvironmentVariable("MAPPA_FAULT_LONG") is "1" or "true";

    /// <summary>How long the broker stays down: 30 s, as the issue asks; 120 s in the long form.</summary>
    public static TimeSpan BrokerOutage => TimeSpan.FromSeconds(Long ? 120 : 30);

    /// <summary>Concurrent clients of RiskAssessment in a fault test.</summary>
    public static int Clients => Long ? 8 : 4;

    /// <summary>Records made around each fault (before it, after recovery).</summary>
    public static int RecordsAroundFault => Long ? 100 : 12;
}
