using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Hosting;

/// <summary>
/// One service of the suite (RiskAssessment, CaseConference, Scheduling) as something a host can run: alone in
/// its own process, or with the others in the embedded all-in-one host.
/// </summary>
public interface IMappaServiceModule
{
    /// <summary>Short lower-case name, e.g. "riskassessment"; names its database file and configuration overrides.</summary>
    string Name { get; }

    void ConfigureServices(IServiceCollection services, ModuleContext context);

    void MapEndpoints(IEndpointRouteBuilder endpoints);
}

/// <summary>What a module is told about the process it runs in.</summary>
/// <param name="Configuration">The whole configuration; a module reads its own overrides under Mappa:Services:&lt;Name&gt;.</param>
/// <param name="Embedded">True when all services share one process (SQLite, in-process bus).</param>
/// <param name="DataDirectory">Where embedded databases live.</param>
public sealed record ModuleContext(IConfiguration Configuration, bool Embedded, string DataDirectory);
