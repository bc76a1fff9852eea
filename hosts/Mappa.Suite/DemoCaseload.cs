using Mappa.Contracts.Common.V1;
using Mappa.RiskAssessment.Features.Subjects;
using Mappa.Security;

namespace Mappa.Suite;

/// <summary>
/// A small, obviously fictional caseload so a new user sees the suite answer with data. Loaded through the same
/// domain code the RPCs use, with fixed request ids, so loading it again changes nothing.
/// </summary>
public static partial class DemoCaseload
{
    private static readonly CallerIdentity Loader = new("demo-loader", "mappa-demo", AgencyKind.SocialWork, ["*"], [Role.System]);

    private static readonly NewSubject[] Subjects =
    [
        new("0b9d1c1e-0000-4000-8000-000000000001", [("PNC", "DEMO/0000001A")], MappaCategory._1, AgencyKind.Police, "glasgow", "Demo Subject A"),
        new("0b9d1c1e-0000-4000-8000-000000000002", [("PNC", "DEMO/0000002B"), ("CHI", "0000000002")], MappaCategory._2, AgencyKind.SocialWork, "glasgow", "Demo Subject B"),
        new("0b9d1c1e-0000-4000-8000-000000000003", [("PRISON_NUMBER", "DEMO0003")], MappaCategory._3, AgencyKind.PrisonService, "edinburgh", "Demo Subject C"),
    ];

    public static async Task LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Mappa.Suite.Demo");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var registry = scope.ServiceProvider.GetRequiredService<SubjectRegistry>();
            foreach (var subject in Subjects)
            {
                await registry.RegisterAsync(subject, Loader, cancellationToken);
            }
            LogLoaded(logger, Subjects.Length);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo caseload ready: {Count} fictional subjects in glasgow and edinburgh. Get a token with `dotnet run --project hosts/Mappa.Suite -- token`.")]
    private static partial void LogLoaded(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The demo caseload could not be loaded.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
