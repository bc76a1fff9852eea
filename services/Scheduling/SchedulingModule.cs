using Mappa.Contracts;
using Mappa.Hosting;

namespace Mappa.Scheduling;

/// <summary>The Scheduling service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class SchedulingModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5103;
    public const int DefaultHttpPort = 8103;

    public string Name => "scheduling";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        // No handlers yet: the module itself stands in as the (empty) handler set the layer resolves.
        services.AddSingleton(this);
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        // The contract is served from day one; its methods answer UNIMPLEMENTED until the service issue binds them.
        endpoints.MapGrpcService<SchedulingModule>(MappaServices.ReviewCalendar, _ => { });
    }
}
