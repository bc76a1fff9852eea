using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Core.Errors;
using Mappa.Grpc.Server;
using Mappa.Scheduling.Features.Clock;
using Mappa.Scheduling.Features.Invitations;
using Mappa.Scheduling.Features.Milestones;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using Microsoft.EntityFrameworkCore;
using DomainNoSlotReason = Mappa.Scheduling.Features.ConferenceSlots.NoSlotReason;
using DomainUnavailability = Mappa.Scheduling.Features.ConferenceSlots.AgencyUnavailability;
using ContractNoSlotReason = Mappa.Contracts.Scheduling.V1.NoSlotReason;
using ObligationState = Mappa.Scheduling.Features.Milestones.ObligationState;
using ContractSlotProposal = Mappa.Contracts.Scheduling.V1.SlotProposal;

namespace Mappa.Scheduling.Features.ConferenceSlots;

/// <summary>mappa.scheduling.v1.ConferenceSchedulingService: slot search and calendar export over what the service knows.</summary>
public sealed class ConferenceSchedulingHandlers(
    SchedulingDbContext db, SlotFinder finder, ICalendarWriter calendarWriter, SchedulingClock clock, SchedulingDomainOptions options)
{
    /// <summary>Booked meetings are known by their start only; they are taken to last this long.</summary>
    public static readonly TimeSpan DefaultMeetingLength = TimeSpan.FromHours(2);

    public static void Bind(GrpcServiceBinder<ConferenceSchedulingHandlers> service)
    {
        service.Unary<ProposeConferenceSlotsRequest, ProposeConferenceSlotsResponse>("ProposeConferenceSlots", (h, request, context) => h.Propose(request, context));
        service.Unary<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>("ExportConferenceCalendar", (h, request, context) => h.Export(request, context));
    }

    private async Task<ProposeConferenceSlotsResponse> Propose(ProposeConferenceSlotsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var cancellationToken = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(request.SubjectId))
            throw new ValidationFailedException("subject_id", "Required.");
        var area = await db.SubjectAreas.Where(s => s.SubjectId == request.SubjectId).Select(s => s.Area).FirstOrDefaultAsync(cancellationToken);
        if (area is null || !caller.CanSeeArea(area))
            throw new NotFoundException("Subject", request.SubjectId);
        context.PendingAudit()?.SetSubject(request.SubjectId);

        var start = ContractTime.Instant(request.WindowStart, "window_start") ?? clock.Now;
        DateTimeOffset end;
        if (request.WindowEnd is { } windowEnd)
        {
            end = ContractTime.Instant(windowEnd, "window_end")!.Value;
        }
        else
        {
            var open = (int)ObligationState.Open;
            var earliestDue = await db.Obligations.Where(o => o.SubjectId == request.SubjectId && o.State == open)
                .MinAsync(o => (int?)o.DueDay, cancellationToken);
            if (earliestDue is not { } dueDay)
                throw new ValidationFailedException("window_end", "The subject has no open review to schedule before: give a window end.");
            // The meeting must be held by the review date: the window closes at the end of the day before it.
            var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
            var local = DateOnly.FromDayNumber(dueDay).ToDateTime(TimeOnly.MinValue);
            end = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        }
        if (end <= start)
            throw new ValidationFailedException("window_end", "The window must end after it starts.");

        var zoneInfo = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var hours = request.WorkingDayStartMinute == 0 && request.WorkingDayEndMinute == 0
            ? new CoordinatorHours(new TimeOnly(9, 0), new TimeOnly(17, 0), zoneInfo)
            : new CoordinatorHours(Minute(request.WorkingDayStartMinute, "working_day_start_minute"), Minute(request.WorkingDayEndMinute, "working_day_end_minute"), zoneInfo);

        long from = (start - DefaultMeetingLength).ToUnixTimeMilliseconds();
        long to = end.ToUnixTimeMilliseconds();
        var booked = await db.BookedConferences.AsNoTracking().Where(c => c.Area == area && c.Cancelled == 0 && c.StartsAt >= from && c.StartsAt < to).ToListAsync(cancellationToken);

        var search = new SlotSearchRequest
        {
            Area = area,
            Window = new TimeRange(start, end),
            MeetingLength = ContractTime.Length(request.MeetingLength, "meeting_length") ?? DefaultMeetingLength,
            Hours = hours,
            RequiredAgencies = [.. request.RequiredAgencies],
            InvitedAgencies = [.. request.InvitedAgencies],
            Unavailability = [.. request.Unavailability.Select(u => new DomainUnavailability(u.Agency,
                new TimeRange(ContractTime.Instant(u.StartTime, "unavailability.start_time") ?? start, ContractTime.Instant(u.EndTime, "unavailability.end_time") ?? end)))],
            // The area's meetings are run by its coordinator and attended by the responsible authorities.
            Booked = [.. booked.Select(c => new BookedConference(
                new TimeRange(DateTimeOffset.FromUnixTimeMilliseconds(c.StartsAt), DateTimeOffset.FromUnixTimeMilliseconds(c.StartsAt) + DefaultMeetingLength),
                ResponsibleAuthorities.All))],
            MaxProposals = request.MaxProposals == 0 ? 5 : request.MaxProposals,
        };
        var result = finder.Find(search);

        var response = new ProposeConferenceSlotsResponse
        {
            WindowStart = Timestamp.FromDateTimeOffset(start),
            WindowEnd = Timestamp.FromDateTimeOffset(end),
            Explanation = result.Explanation ?? "",
            NoSlotReason = result.Reason switch
            {
                DomainNoSlotReason.NoWorkingTimeInWindow => ContractNoSlotReason.NoWorkingTimeInWindow,
                DomainNoSlotReason.MeetingDoesNotFitWorkingHours => ContractNoSlotReason.MeetingDoesNotFitWorkingHours,
                DomainNoSlotReason.CoordinatorUnavailable => ContractNoSlotReason.CoordinatorUnavailable,
                DomainNoSlotReason.RequiredAgenciesNeverFreeTogether => ContractNoSlotReason.RequiredAgenciesNeverFreeTogether,
                _ => ContractNoSlotReason.Unspecified,
            },
        };
        response.BlockingAgencies.AddRange(result.BlockingAgencies);
        response.Proposals.AddRange(result.Proposals.Select(p => new ContractSlotProposal
        {
            StartTime = Timestamp.FromDateTimeOffset(p.Period.Start),
            EndTime = Timestamp.FromDateTimeOffset(p.Period.End),
            InvitedAvailable = { p.InvitedAvailable },
            InvitedUnavailable = { p.InvitedUnavailable },
        }));
        return response;
    }

    private async Task<ExportConferenceCalendarResponse> Export(ExportConferenceCalendarRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        if (string.IsNullOrWhiteSpace(request.ConferenceId))
            throw new ValidationFailedException("conference_id", "Required.");
        var conference = await db.BookedConferences.AsNoTracking().FirstOrDefaultAsync(c => c.ConferenceId == request.ConferenceId, context.CancellationToken);
        if (conference is null || !caller.CanSeeArea(conference.Area))
            throw new NotFoundException("Conference", request.ConferenceId);
        context.PendingAudit()?.SetSubject(conference.SubjectId);

        var start = DateTimeOffset.FromUnixTimeMilliseconds(conference.StartsAt);
        var invitation = new ConferenceInvitation
        {
            ConferenceId = conference.ConferenceId,
            Start = start,
            End = start + (ContractTime.Length(request.MeetingLength, "meeting_length") ?? DefaultMeetingLength),
            MappaLevel = conference.Level ?? 2,
            Location = string.IsNullOrWhiteSpace(request.Location) ? null : request.Location,
            Organizer = request.Organizer is { } organizer ? new OrganizerMailbox(organizer.AgencyName, organizer.Email) : null,
            Attendees = [.. request.Attendees.Select(a => new AgencyMailbox(a.AgencyName, a.Email, a.Required))],
            Sequence = conference.Sequence,
            Cancelled = conference.Cancelled != 0,
        };
        return new ExportConferenceCalendarResponse
        {
            Calendar = calendarWriter.Write(invitation),
            ContentType = ICalendarWriter.ContentTypeFor(invitation),
        };
    }

    private static TimeOnly Minute(int minute, string field) => minute is >= 0 and < 24 * 60
        ? TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(minute))
        : throw new ValidationFailedException(field, "Minutes after midnight, 0 to 1439.");
}
