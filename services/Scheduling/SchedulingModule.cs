using Mappa.Contracts;
using Mappa.Hosting;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Persistence;
using Mappa.Scheduling.Features;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.ConferenceSlots;
using Mappa.Scheduling.Features.Calendar.Consumers;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Features.Simulation;
using Mappa.Scheduling.Persistence;

namespace Mappa.Scheduling;

/// <summary>The Scheduling service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class SchedulingModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5103;
    public const int DefaultHttpPort = 8103;

    public string Name => "scheduling";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        var options = context.Configuration.GetSection(SchedulingDomainOptions.SectionName).Get<SchedulingDomainOptions>() ?? new SchedulingDomainOptions();
        services.AddMappaDatabase<SchedulingDbContext>(context.Configuration, SchedulingSchema.Migrations, ModuleDatabase.For(this, context));
        services.AddHealthChecks().AddDbContextCheck<SchedulingDbContext>("scheduling-database", tags: [MappaServices.ReviewCalendar.FullName]);
        services.AddSchedulingDomain(context.Configuration);
        services.AddSchedulingClock(context.Configuration, options);

        services.AddSingleton<SweepSignal>();
        services.AddSingleton<MilestoneFeed>();
        services.AddSingleton<MilestonePublisher>();
        services.AddHostedService<SweepService>();
        services.AddScoped<ObligationBook>();
        services.AddScoped<SubjectAreas>();
        services.AddScoped<ReviewCalendarQueries>();
        services.AddScoped<ReviewCalendarHandlers>();
        services.AddScoped<SimulationHandlers>();
        services.AddScoped<ConferenceSchedulingHandlers>();
        services.AddMappaConsumers(bus =>
        {
            bus.AddConsumer<SubjectRegisteredConsumer>();
            bus.AddConsumer<AssessmentRecordedConsumer>();
            bus.AddConsumer<ReviewDateSetConsumer>();
            bus.AddConsumer<AssessmentSupersededConsumer>();
            bus.AddConsumer<ConferenceScheduledConsumer>();
            bus.AddConsumer<ConferenceHeldConsumer>();
            bus.AddConsumer<MappaLevelDecidedConsumer>();
            bus.AddConsumer<ActionDueDateSetConsumer>();
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ReviewCalendarHandlers>(MappaServices.ReviewCalendar, ReviewCalendarHandlers.Bind);
        endpoints.MapGrpcService<ConferenceSchedulingHandlers>(MappaServices.ConferenceScheduling, ConferenceSchedulingHandlers.Bind);
        endpoints.MapGrpcService<SimulationHandlers>(MappaServices.Simulation, SimulationHandlers.Bind);
    }
}
