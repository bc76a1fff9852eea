using MassTransit;
using Mappa.Contracts;
using Mappa.Hosting;
using Mappa.Messaging.Bus;
using Mappa.Messaging.Persistence;
using Mappa.Scheduling.Features;
using Mappa.Scheduling.Features.Calendar;
using Mappa.Scheduling.Features.ConferenceSlots;
using Mappa.Scheduling.Features.Calendar.Consumers;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Compliance;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Features.Simulation;
using Mappa.Scheduling.Persistence;

namespace Mappa.Scheduling;

/// <summary>The Scheduling service as a module: run alone by Program.cs, or inside the embedded suite.</summary>
public sealed class SchedulingModule : IMappaServiceModule
{
    public const int DefaultGrpcPort = 5103;
    public const int DefaultHttpPort = 8103;

    /// <summary>The queue all of the calendar's consumers share.</summary>
    public const string CalendarQueue = "scheduling-review-calendar";

    public string Name => "scheduling";

    public void ConfigureServices(IServiceCollection services, ModuleContext context)
    {
        var options = context.Configuration.GetSection(SchedulingDomainOptions.SectionName).Get<SchedulingDomainOptions>() ?? new SchedulingDomainOptions();
        services.AddMappaDatabase<SchedulingDbContext>(context.Configuration, SchedulingSchema.Migrations, ModuleDatabase.For(this, context));
        services.AddMappaAuditLog<SchedulingDbContext>(MappaServices.SchedulingAuditLog); // its audit log and AuditLogService
        services.AddHealthChecks().AddDbContextCheck<SchedulingDbContext>("scheduling-database", tags: [MappaServices.ReviewCalendar.FullName]);
        services.AddSchedulingDomain(context.Configuration);
        services.AddSchedulingClock(context.Configuration, options);

        services.AddSingleton<SweepSignal>();
        services.AddSingleton<MilestoneFeed>();
        services.AddSingleton<MilestonePublisher>();
        services.AddMappaCountByEnumMetric<SchedulingDbContext, MilestoneRecord, MilestoneKind>("mappa_scheduling_milestones", "Review milestones recorded, by kind.", "kind", db => db.Milestones, m => m.Kind, kind => kind.ToSlug());
        services.AddHostedService<SweepService>();
        services.AddScoped<ObligationBook>();
        services.AddScoped<SubjectAreas>();
        services.AddScoped<CompletionDeadlineBook>();
        services.AddScoped<ReviewCalendarQueries>();
        services.AddScoped<ReviewCalendarHandlers>();
        services.AddScoped<SimulationHandlers>();
        services.AddScoped<ConferenceSchedulingHandlers>();
        services.AddScoped<ComplianceReporter>();
        services.AddScoped<ComplianceHandlers>();
        services.AddMappaConsumers(bus =>
        {
            // One queue, one message at a time: a publisher's events (subject registered, assessment recorded, review
            // date set) are then handled in the order it published them, so the area and instrument they bring are
            // known before the events that need them.
            static void Calendar(IEndpointRegistrationConfigurator endpoint)
            {
                endpoint.Name = CalendarQueue;
                endpoint.ConcurrentMessageLimit = 1;
            }
            bus.AddConsumer<SubjectRegisteredConsumer>().Endpoint(Calendar);
            bus.AddConsumer<AssessmentRecordedConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ReviewDateSetConsumer>().Endpoint(Calendar);
            bus.AddConsumer<AssessmentSupersededConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ConferenceScheduledConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ConferenceRescheduledConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ConferenceCancelledConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ConferenceHeldConsumer>().Endpoint(Calendar);
            bus.AddConsumer<MappaLevelDecidedConsumer>().Endpoint(Calendar);
            bus.AddConsumer<ActionDueDateSetConsumer>().Endpoint(Calendar);
            bus.AddConsumer<SupervisionStartDateSetConsumer>().Endpoint(Calendar);
            bus.AddConsumer<AttendanceRecordedConsumer>().Endpoint(Calendar);
            bus.AddConsumer<PlanActionCompletedConsumer>().Endpoint(Calendar);
            bus.AddConsumer<PlanActionCancelledConsumer>().Endpoint(Calendar);
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMappaAuditLog<SchedulingDbContext>();
        endpoints.MapGrpcService<ReviewCalendarHandlers>(MappaServices.ReviewCalendar, ReviewCalendarHandlers.Bind);
        endpoints.MapGrpcService<ConferenceSchedulingHandlers>(MappaServices.ConferenceScheduling, ConferenceSchedulingHandlers.Bind);
        endpoints.MapGrpcService<ComplianceHandlers>(MappaServices.Compliance, ComplianceHandlers.Bind);
        endpoints.MapGrpcService<SimulationHandlers>(MappaServices.Simulation, SimulationHandlers.Bind);
    }
}
