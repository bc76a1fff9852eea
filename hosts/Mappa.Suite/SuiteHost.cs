using System.Globalization;
using Mappa.CaseConference;
using Mappa.Hosting;
using Mappa.RiskAssessment;
using Mappa.Scheduling;

namespace Mappa.Suite;

/// <summary>
/// The embedded default: all three services in one process, SQLite files and the in-process bus, development
/// tokens accepted. Nothing to install; everything here can be overridden by configuration.
/// </summary>
public static class SuiteHost
{
    public const int DefaultGrpcPort = 5100;
    public const int DefaultHttpPort = 8100;
    public const string DefaultIssuer = "mappa-local";
    public const string DefaultAudience = "mappa";

    public static IReadOnlyList<IMappaServiceModule> Modules() =>
        [new RiskAssessmentModule(), new CaseConferenceModule(), new SchedulingModule()];

    /// <summary>Configuration of the embedded suite; <paramref name="dataDirectory"/> holds the databases and the dev key.</summary>
    public static Dictionary<string, string?> Defaults(string dataDirectory) => new()
    {
        ["Mappa:Grpc:Port"] = DefaultGrpcPort.ToString(CultureInfo.InvariantCulture),
        ["Mappa:Http:Port"] = DefaultHttpPort.ToString(CultureInfo.InvariantCulture),
        ["Mappa:DataDirectory"] = dataDirectory,
        ["Mappa:Database:Provider"] = "Sqlite",
        ["Mappa:Bus:Transport"] = "InMemory",
        ["Mappa:Auth:Issuer"] = DefaultIssuer,
        ["Mappa:Auth:Audience"] = DefaultAudience,
        ["Mappa:Auth:AllowDevelopmentKeys"] = "true",
        ["Mappa:Auth:DevelopmentKeyDirectory"] = Path.Combine(dataDirectory, "keys"),
    };

    /// <summary>
    /// $MAPPA_DATA_DIRECTORY, else ~/.mappa/suite: one place however the suite is launched (`dotnet run --project`
    /// runs it from the project folder), so the `token` command and `mappa login --dev` find the same key.
    /// </summary>
    public static string DefaultDataDirectory(Func<string, string?>? variable = null, string? homeDirectory = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        if (variable("MAPPA_DATA_DIRECTORY") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }
        homeDirectory ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(homeDirectory, ".mappa", "suite");
    }

    public static WebApplication Build(string[] args, string dataDirectory) =>
        MappaHost.Build(args, Modules(), Defaults(dataDirectory), embedded: true);
}
