using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Grpc;
using Mappa.Scheduling.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>
/// Slot search and calendar export through the suite. The clock stands at Monday 1 September 2025, 12:00 UK time;
/// each test's subject has a review due on Thursday 4 September, so the meeting must be found before then.
/// </summary>
public sealed class ConferenceSchedulingRpcTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Propose = RunningSuite.Method(MappaServices.ConferenceScheduling, "ProposeConferenceSlots");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Export = RunningSuite.Method(MappaServices.ConferenceScheduling, "ExportConferenceCalendar");

    /// <summary>13:00 to 15:00 UK time on Monday 1 September.</summary>
    private static readonly DateTimeOffset BookedStart = new(2025, 9, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_earliest_slots_avoid_meetings_already_booked_in_the_area_and_end_before_the_review()
    {
        const string area = "inverclyde";
        var (subjectId, _) = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 4), area);
        await BookAsync(area, "conf-" + Guid.NewGuid().ToString("N"));

        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var response = await coordinator.UnaryAsync<ProposeConferenceSlotsRequest, ProposeConferenceSlotsResponse>(Propose,
            new ProposeConferenceSlotsRequest { SubjectId = subjectId, MeetingLength = Duration.FromTimeSpan(TimeSpan.FromHours(2)) });

        Assert.NotEmpty(response.Proposals);
        Assert.Equal(NoSlotReason.Unspecified, response.NoSlotReason);
        // The review is due on the 4th: the window closes at the start of that day (UK time).
        Assert.Equal(new DateTimeOffset(2025, 9, 3, 23, 0, 0, TimeSpan.Zero), response.WindowEnd.ToDateTimeOffset());
        foreach (var proposal in response.Proposals)
        {
            var (start, end) = (proposal.StartTime.ToDateTimeOffset(), proposal.EndTime.ToDateTimeOffset());
            Assert.False(start < BookedStart.AddHours(2) && BookedStart < end, $"{start:O} overlaps the booked meeting.");
            Assert.True(end <= response.WindowEnd.ToDateTimeOffset());
        }
        // 12:00 to 14:00 would overlap the meeting booked at 13:00; 15:00 to 17:00 is the first free stretch.
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 14, 0, 0, TimeSpan.Zero), response.Proposals.Min(p => p.StartTime.ToDateTimeOffset()));
    }

    [Fact]
    public async Task With_a_required_agency_away_all_window_the_answer_is_no_slot_and_whom_to_chase()
    {
        const string area = "renfrewshire";
        var (subjectId, _) = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 4), area);

        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var response = await coordinator.UnaryAsync<ProposeConferenceSlotsRequest, ProposeConferenceSlotsResponse>(Propose,
            new ProposeConferenceSlotsRequest
            {
                SubjectId = subjectId,
                Unavailability =
                {
                    new AgencyUnavailability
                    {
                        Agency = "police",
                        StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero)),
                        EndTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2025, 9, 5, 0, 0, 0, TimeSpan.Zero)),
                    },
                },
            });

        Assert.Empty(response.Proposals);
        Assert.Equal(NoSlotReason.RequiredAgenciesNeverFreeTogether, response.NoSlotReason);
        Assert.Equal(["police"], response.BlockingAgencies);
        Assert.NotEqual("", response.Explanation);
    }

    [Fact]
    public async Task A_booked_conference_exports_as_an_icalendar_invitation_within_the_callers_area_only()
    {
        const string area = "east-renfrewshire";
        var conferenceId = "conf-" + Guid.NewGuid().ToString("N");
        await BookAsync(area, conferenceId);

        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var exported = await coordinator.UnaryAsync<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>(Export,
            new ExportConferenceCalendarRequest
            {
                ConferenceId = conferenceId,
                Attendees = { new InvitationMailbox { AgencyName = "Police Scotland", Email = "mappa@police.example", Required = true } },
            });

        Assert.StartsWith("BEGIN:VCALENDAR\r\n", exported.Calendar, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20250901T120000Z\r\n", exported.Calendar, StringComparison.Ordinal);
        Assert.Contains("DTEND:20250901T140000Z\r\n", exported.Calendar, StringComparison.Ordinal);
        Assert.Contains($"UID:{conferenceId}@", exported.Calendar, StringComparison.Ordinal);
        Assert.StartsWith("text/calendar", exported.ContentType, StringComparison.Ordinal);

        using var elsewhere = suite.Channel(suite.Token(Role.MappaCoordinator, "fife"));
        var error = await Assert.ThrowsAsync<RpcException>(() => elsewhere.UnaryAsync<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>(
            Export, new ExportConferenceCalendarRequest { ConferenceId = conferenceId }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_rescheduled_then_cancelled_conference_exports_with_a_new_sequence_and_frees_its_time()
    {
        const string area = "west-dunbartonshire";
        var (subjectId, _) = await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2025, 9, 4), area);
        var conferenceId = "conf-" + Guid.NewGuid().ToString("N");
        await BookAsync(area, conferenceId);
        var link = new DetailLink("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", conferenceId);

        // Moved to 09:00 to 11:00 UK time on Tuesday 2 September, then called off.
        await suite.Services.PublishAsync(new ConferenceRescheduled
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = link,
            ConferenceId = conferenceId, ScheduledFor = new DateTimeOffset(2025, 9, 2, 8, 0, 0, TimeSpan.Zero), PreviouslyScheduledFor = BookedStart, Area = area,
        });
        await WaitForBookingAsync(conferenceId, c => c.Sequence == 1);
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator, area));
        var organizer = new InvitationMailbox { AgencyName = "MAPPA Unit", Email = "mappa-unit@council.example" };
        var moved = await coordinator.UnaryAsync<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>(Export,
            new ExportConferenceCalendarRequest { ConferenceId = conferenceId, Organizer = organizer });
        Assert.Contains("DTSTART:20250902T080000Z\r\n", moved.Calendar, StringComparison.Ordinal);
        Assert.Contains("SEQUENCE:1\r\n", moved.Calendar, StringComparison.Ordinal);

        await suite.Services.PublishAsync(new ConferenceCancelled
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId), Detail = link, ConferenceId = conferenceId, Area = area,
        });
        await WaitForBookingAsync(conferenceId, c => c.Cancelled == 1);
        var cancelled = await coordinator.UnaryAsync<ExportConferenceCalendarRequest, ExportConferenceCalendarResponse>(Export,
            new ExportConferenceCalendarRequest { ConferenceId = conferenceId, Organizer = organizer });
        Assert.Contains("STATUS:CANCELLED\r\n", cancelled.Calendar, StringComparison.Ordinal);
        Assert.Contains("METHOD:CANCEL\r\n", cancelled.Calendar, StringComparison.Ordinal);
        Assert.Contains("SEQUENCE:2\r\n", cancelled.Calendar, StringComparison.Ordinal);

        // With the meeting gone, Monday 12:00 (the window's start) is free again.
        var proposals = await coordinator.UnaryAsync<ProposeConferenceSlotsRequest, ProposeConferenceSlotsResponse>(Propose,
            new ProposeConferenceSlotsRequest { SubjectId = subjectId });
        Assert.Equal(SimulatedSchedulingSuite.Start, proposals.Proposals.Min(p => p.StartTime.ToDateTimeOffset()));
    }

    private async Task WaitForBookingAsync(string conferenceId, Func<BookedConferenceRecord, bool> condition)
    {
        for (int attempt = 0; attempt < 2400; attempt++)
        {
            await using var scope = suite.Services.CreateAsyncScope();
            var booking = await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().BookedConferences.AsNoTracking()
                .FirstOrDefaultAsync(c => c.ConferenceId == conferenceId);
            if (booking is not null && condition(booking))
                return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"The booking of {conferenceId} did not reach the expected state within a minute.");
    }

    private async Task BookAsync(string area, string conferenceId)
    {
        var subjectId = Guid.NewGuid().ToString();
        await suite.Services.PublishAsync(new ConferenceScheduled
        {
            OccurredAt = DateTimeOffset.UtcNow, Subject = SubjectReference.Of(subjectId),
            Detail = new DetailLink("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", conferenceId),
            ConferenceId = conferenceId, ScheduledFor = BookedStart, Level = MappaLevel.Level2, Area = area,
        });
        for (int attempt = 0; attempt < 2400; attempt++)
        {
            await using var scope = suite.Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().BookedConferences.AnyAsync(c => c.ConferenceId == conferenceId))
                return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException("The scheduled conference was not recorded.");
    }
}
