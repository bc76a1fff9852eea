using System.Globalization;
using MassTransit;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>The embedded suite with the scheduling clock simulated from a known instant (Development environment).</summary>
public class SimulatedSchedulingSuite : RunningSuite
{
    /// <summary>Monday 1 September 2025, 12:00 UK time: a stretch of weeks with no Scottish national holiday.</summary>
    public static readonly DateTimeOffset Start = new(2025, 9, 1, 11, 0, 0, TimeSpan.Zero);

    public SimulatedSchedulingSuite()
    {
    }

    protected SimulatedSchedulingSuite(bool postgres, bool rabbitMq) : base(postgres, rabbitMq)
    {
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => SimulatedClockSettings(Start);

    public static IEnumerable<KeyValuePair<string, string?>> SimulatedClockSettings(DateTimeOffset start) =>
    [
        new("environment", "Development"),
        new("Mappa:Scheduling:Clock", "Simulated"),
        new("Mappa:Scheduling:SimulatedStart", start.ToString("O", CultureInfo.InvariantCulture)),
    ];
}

/// <summary>The same on fresh PostgreSQL databases and a fresh RabbitMQ virtual host.</summary>
public sealed class SimulatedSchedulingOnRealServers() : SimulatedSchedulingSuite(postgres: true, rabbitMq: true);

/// <summary>On fresh PostgreSQL databases (in-process bus), sweeping in small batches so concurrent sweeps interleave.</summary>
public sealed class SimulatedSchedulingOnPostgres() : SimulatedSchedulingSuite(postgres: true, rabbitMq: false)
{
    public const int BatchSize = 25;

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [.. base.Configuration(), new("Mappa:Scheduling:SweepBatchSize", BatchSize.ToString(CultureInfo.InvariantCulture))];
}

/// <summary>What scheduling tests do to a running host: feed it events, move its clock, read what it recorded.</summary>
public static class SchedulingDriver
{
    public const string Area = "glasgow";

    /// <summary>Publishes an event on the host's bus as its owning service's relay would (message id = event id).</summary>
    public static Task PublishAsync<T>(this IServiceProvider services, T domainEvent) where T : DomainEvent =>
        services.GetRequiredService<IBus>().Publish(domainEvent, context => context.MessageId = domainEvent.EventId);

    /// <summary>A subject in <paramref name="area"/> with an assessment whose next review is <paramref name="reviewDate"/>.</summary>
    public static async Task<(string SubjectId, string AssessmentId)> AssessmentWithReviewDateAsync(
        this IServiceProvider services, DateOnly reviewDate, string area = Area)
    {
        var subjectId = Guid.NewGuid().ToString();
        var assessmentId = Guid.NewGuid().ToString();
        await services.PublishAsync(new SubjectRegistered
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.SubjectService/GetSubject", "subject_id", subjectId), Area = area,
        });
        await services.PublishAsync(new AssessmentRecorded
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId),
            AssessmentId = assessmentId, Instrument = RiskInstrument.LsCmi, RuleSetVersion = "v1", Area = area,
        });
        await services.SetReviewDateAsync(subjectId, assessmentId, reviewDate);
        return (subjectId, assessmentId);
    }

    public static async Task SetReviewDateAsync(this IServiceProvider services, string subjectId, string assessmentId, DateOnly reviewDate)
    {
        await services.PublishAsync(new ReviewDateSet
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "assessment_id", assessmentId),
            AssessmentId = assessmentId, NextReviewDate = reviewDate,
        });
        await services.WaitForObligationAsync("assessment-review:" + assessmentId, o => o.DueDay == reviewDate.DayNumber);
    }

    /// <summary>Waits (bounded) until the consumers have brought the obligation to the expected state.</summary>
    public static async Task<ObligationRecord> WaitForObligationAsync(this IServiceProvider services, string obligationId, Func<ObligationRecord, bool> condition)
    {
        for (int attempt = 0; attempt < 2400; attempt++)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
                var record = await db.Obligations.AsNoTracking().FirstOrDefaultAsync(o => o.ObligationId == obligationId);
                if (record is not null && condition(record))
                    return record;
            }
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"Obligation {obligationId} did not reach the expected state within a minute: are the consumers running?");
    }

    /// <summary>The milestones recorded for an obligation, in log order.</summary>
    public static async Task<List<MilestoneRecord>> MilestonesOfAsync(this IServiceProvider services, string obligationId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        return await db.Milestones.AsNoTracking().Where(m => m.ObligationId == obligationId).OrderBy(m => m.Position).ToListAsync();
    }

    /// <summary>Outbox rows (event type, event id) whose payload names the obligation.</summary>
    public static async Task<List<(string EventType, Guid EventId)>> OutboxEventsOfAsync(this IServiceProvider services, string obligationId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var rows = await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Sequence).ToListAsync();
        return rows.Where(r => r.Payload.Contains($"\"{obligationId}\"", StringComparison.Ordinal)).Select(r => (r.EventType, r.EventId)).ToList();
    }

    /// <summary>Moves the simulated scheduling clock by RPC (as the demo does) and returns how many milestones the sweep recorded.</summary>
    public static async Task<int> AdvanceToAsync(this RunningSuite suite, DateTimeOffset instant)
    {
        using var channel = suite.Channel(suite.Token(Role.MappaCoordinator, Area));
        var response = await channel.UnaryAsync<AdvanceClockRequest, AdvanceClockResponse>(
            MappaServices.Simulation.FindMethodByName("AdvanceClock"),
            new AdvanceClockRequest { AdvanceTo = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(instant) });
        return response.MilestonesRecorded;
    }

    /// <summary>07:00 UK time on a date: when milestones planned for that date fall due.</summary>
    public static DateTimeOffset Morning(int year, int month, int day) =>
        Mappa.Scheduling.Features.Milestones.MilestoneTiming.UkMorning.InstantOf(new DateOnly(year, month, day));

    public static string Slug(this MilestoneRecord milestone) =>
        Mappa.Scheduling.Features.Milestones.MilestoneKindNames.ToSlug((Mappa.Scheduling.Features.Milestones.MilestoneKind)milestone.Kind);
}
