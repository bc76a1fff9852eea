using Mappa.Contracts;
using Mappa.Hosting;

namespace Mappa.CaseConference;

/// <summary>The CaseConference service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class CaseConferenceModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5102;
    public const int DefaultHttpPort = 8102;

    public string Name => "caseconference";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        // No handlers yet: the module itself stands in as the (empty) handler set the layer resolves.
        services.AddSingleton(this);
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // The contract is served from day one; its methods answer UNIMPLEMENTED until the service issue binds them.
        endpoints.MapGrpcService<CaseConferenceModule>(MappaServices.Conferences, _ => { });
    }
}
