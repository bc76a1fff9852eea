using MassTransit;
using Mappa.Events;
using Mappa.Events.RiskAssessment;
using Mappa.Messaging.Inbox;
using Mappa.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Scheduling.Features.Calendar.Consumers;

// The RiskAssessment service owns assessments and their review dates; these keep the calendar in step with it.

public static class AssessmentObligations
{
    public static string IdFor(string assessmentId) => "assessment-review:" + assessmentId;

    public static string SourceFor(string assessmentId) => "riskassessment/assessments/" + assessmentId;
}

/// <summary>
/// A new subject: remember its area for the events that do not carry one; when its supervision start date is known,
/// open its LS/CMI completion deadline.
/// </summary>
public sealed class SubjectRegisteredConsumer(SchedulingDbContext db, SubjectAreas areas, CompletionDeadlineBook deadlines,
    ILogger<SubjectRegisteredConsumer> logger)
    : IdempotentConsumer<SubjectRegistered, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.subject-registered";

    protected override async Task HandleAsync(ConsumeContext<SubjectRegistered> context)
    {
        var subject = await areas.RememberAsync(context.Message.Subject.SubjectId, context.Message.Area, context.CancellationToken);
        if (context.Message.SupervisionStartDate is { } start)
            await deadlines.SupervisionStartedAsync(subject, start, context.CancellationToken);
    }
}

/// <summary>A subject's supervision start date set or changed after registration: open or move its LS/CMI completion deadline.</summary>
public sealed class SupervisionStartDateSetConsumer(SchedulingDbContext db, SubjectAreas areas, CompletionDeadlineBook deadlines,
    ILogger<SupervisionStartDateSetConsumer> logger)
    : IdempotentConsumer<SupervisionStartDateSet, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.supervision-start-date-set";

    protected override async Task HandleAsync(ConsumeContext<SupervisionStartDateSet> context)
    {
        var subject = await areas.RememberAsync(context.Message.Subject.SubjectId, context.Message.Area, context.CancellationToken);
        await deadlines.SupervisionStartedAsync(subject, context.Message.SupervisionStartDate, context.CancellationToken);
    }
}

/// <summary>
/// An assessment recorded: remember its instrument and the subject's area, and complete the review obligation of the
/// subject's earlier assessment with the same instrument (the new assessment is that review).
/// </summary>
public sealed class AssessmentRecordedConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, CompletionDeadlineBook deadlines,
    Mappa.Scheduling.Features.Clock.SchedulingClock clock, ILogger<AssessmentRecordedConsumer> logger)
    : IdempotentConsumer<AssessmentRecorded, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.assessment-recorded";

    protected override async Task HandleAsync(ConsumeContext<AssessmentRecorded> context)
    {
        var message = context.Message;
        var subjectId = message.Subject.SubjectId;
        await areas.RememberAsync(subjectId, message.Area, context.CancellationToken);
        if (!await Db.KnownAssessments.AnyAsync(a => a.AssessmentId == message.AssessmentId, context.CancellationToken))
        {
            Db.KnownAssessments.Add(new KnownAssessmentRecord
            {
                AssessmentId = message.AssessmentId, SubjectId = subjectId, Instrument = (int)message.Instrument,
                RecordedAt = Instants.ToStored(Instants.Now(clock)),
            });
        }
        if (message.Instrument == RiskInstrument.LsCmi)
            await deadlines.LsCmiRecordedAsync(subjectId, context.CancellationToken);

        var ownId = AssessmentObligations.IdFor(message.AssessmentId);
        if (await book.FindAsync(ownId, context.CancellationToken) is { Instrument: null } own)
            own.Instrument = (int)message.Instrument;   // its review date arrived first
        foreach (var earlier in await book.OpenOfSubjectAsync(subjectId, ReviewKind.Assessment, context.CancellationToken))
        {
            if (earlier.ObligationId != ownId && earlier.Instrument == (int)message.Instrument)
                book.Close(earlier, completed: true);
        }
    }
}

/// <summary>The next review date of an assessment was set or moved: open its obligation or re-plan it.</summary>
public sealed class ReviewDateSetConsumer(SchedulingDbContext db, SubjectAreas areas, ObligationBook book, ILogger<ReviewDateSetConsumer> logger)
    : IdempotentConsumer<ReviewDateSet, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.review-date-set";

    protected override async Task HandleAsync(ConsumeContext<ReviewDateSet> context)
    {
        var message = context.Message;
        var subjectId = message.Subject.SubjectId;
        var area = await areas.RequireAsync(subjectId, context.CancellationToken);
        var instrument = await Db.KnownAssessments.Where(a => a.AssessmentId == message.AssessmentId)
            .Select(a => (int?)a.Instrument).FirstOrDefaultAsync(context.CancellationToken);
        var origin = new ObligationOrigin(AssessmentObligations.IdFor(message.AssessmentId), subjectId, area, ReviewKind.Assessment,
            AssessmentObligations.SourceFor(message.AssessmentId), (RiskInstrument?)instrument);
        if (!await book.SetDueDateAsync(origin, message.NextReviewDate, context.CancellationToken))
            logger.LogInformation("Review date of assessment {AssessmentId} ignored: its review obligation is already closed", message.AssessmentId);
    }
}

/// <summary>An assessment superseded by a correction: its review is no longer required (the correction brings its own date).</summary>
public sealed class AssessmentSupersededConsumer(SchedulingDbContext db, ObligationBook book, Mappa.Scheduling.Features.Clock.SchedulingClock clock,
    ILogger<AssessmentSupersededConsumer> logger)
    : IdempotentConsumer<AssessmentSuperseded, SchedulingDbContext>(db, logger)
{
    protected override string ConsumerName => "scheduling.assessment-superseded";

    protected override async Task HandleAsync(ConsumeContext<AssessmentSuperseded> context)
    {
        // No longer current (its correction counts instead) for the compliance figures.
        if (await Db.KnownAssessments.FirstOrDefaultAsync(a => a.AssessmentId == context.Message.AssessmentId, context.CancellationToken) is { SupersededAt: null } known)
            known.SupersededAt = Instants.ToStored(Instants.Now(clock));
        await book.CloseAsync(AssessmentObligations.IdFor(context.Message.AssessmentId), completed: false, context.CancellationToken);
    }
}
