using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Testing;
using static Mappa.Scheduling.Tests.Service.SchedulingDriver;

namespace Mappa.Scheduling.Tests.Service;

/// <summary>The review calendar's RPCs through the suite's gRPC client: scoping, paging, the resumable milestone stream.</summary>
public sealed class ReviewCalendarRpcTests(SimulatedSchedulingSuite suite) : IClassFixture<SimulatedSchedulingSuite>
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor List = RunningSuite.Method(MappaServices.ReviewCalendar, "ListReviewObligations");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = RunningSuite.Method(MappaServices.ReviewCalendar, "GetReviewObligation");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Watch = RunningSuite.Method(MappaServices.ReviewCalendar, "WatchReviewMilestones");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Advance = RunningSuite.Method(MappaServices.Simulation, "AdvanceClock");

    [Fact]
    public async Task Listing_shows_the_callers_area_only_earliest_due_first_in_pages()
    {
        const string area = "east-lothian";
        var due = new[] { new DateOnly(2026, 3, 20), new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 13) };
        var ids = new List<string>();
        foreach (var date in due)
            ids.Add("assessment-review:" + (await suite.Services.AssessmentWithReviewDateAsync(date, area)).AssessmentId);
        var elsewhere = "assessment-review:" + (await suite.Services.AssessmentWithReviewDateAsync(new DateOnly(2026, 3, 1), "midlothian")).AssessmentId;

        using var manager = suite.Channel(suite.Token(Role.Manager, area));
        var first = await manager.UnaryAsync<ListReviewObligationsRequest, ListReviewObligationsResponse>(List, new ListReviewObligationsRequest { PageSize = 2 });
        var second = await manager.UnaryAsync<ListReviewObligationsRequest, ListReviewObligationsResponse>(List,
            new ListReviewObligationsRequest { PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal([ids[1], ids[2], ids[0]], first.Obligations.Concat(second.Obligations).Select(o => o.ObligationId).ToArray());
        Assert.Equal("", second.NextPageToken);
        Assert.All(first.Obligations, o => Assert.Equal(ObligationState.Open, o.State));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            manager.UnaryAsync<GetReviewObligationRequest, GetReviewObligationResponse>(Get, new GetReviewObligationRequest { ObligationId = elsewhere }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_due_window_and_an_unknown_page_token_are_checked()
    {
        using var manager = suite.Channel(suite.Token(Role.Manager));
        var error = await Assert.ThrowsAsync<RpcException>(() => manager.UnaryAsync<ListReviewObligationsRequest, ListReviewObligationsResponse>(List,
            new ListReviewObligationsRequest
            {
                DueFrom = new Google.Type.Date { Year = 2026, Month = 2, Day = 1 },
                DueTo = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 },
                PageToken = "not-a-token",
            }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task The_clock_can_be_advanced_only_with_the_simulation_permission()
    {
        using var manager = suite.Channel(suite.Token(Role.Manager));
        var error = await Assert.ThrowsAsync<RpcException>(() => manager.UnaryAsync<AdvanceClockRequest, AdvanceClockResponse>(Advance,
            new AdvanceClockRequest { AdvanceBy = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) }));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task A_watcher_sees_its_areas_milestones_in_order_and_resumes_after_its_cursor()
    {
        const string area = "west-lothian";
        var start = await ClockNowAsync();
        var today = DateOnly.FromDateTime(start.UtcDateTime);
        var outside = await suite.Services.AssessmentWithReviewDateAsync(today.AddDays(20), "falkirk");
        var inside = await suite.Services.AssessmentWithReviewDateAsync(today.AddDays(21), area);
        var insideId = "assessment-review:" + inside.AssessmentId;
        await suite.AdvanceToAsync(start.AddDays(40));

        using var reader = suite.Channel(suite.Token(Role.PartnerReader, area));
        var request = new WatchReviewMilestonesRequest { ReplayFrom = Timestamp.FromDateTimeOffset(start.AddMinutes(-1)) };
        var seen = await ReadAsync(reader, request, count: 4);

        Assert.All(seen, m => Assert.Equal(area, m.Obligation.Area));
        Assert.All(seen, m => Assert.Equal(insideId, m.Obligation.ObligationId));
        Assert.Equal([MilestoneKind.DueSoon, MilestoneKind.Due, MilestoneKind.Overdue, MilestoneKind.Reminder], seen.Select(m => m.Kind).ToArray());

        var resumed = await ReadAsync(reader, new WatchReviewMilestonesRequest { ResumeAfter = seen[1].Cursor }, count: 2);
        Assert.Equal([seen[2].MilestoneId, seen[3].MilestoneId], resumed.Select(m => m.MilestoneId).ToArray());
        Assert.NotEqual("", outside.SubjectId);
    }

    private async Task<DateTimeOffset> ClockNowAsync()
    {
        using var coordinator = suite.Channel(suite.Token(Role.MappaCoordinator));
        var clock = await coordinator.UnaryAsync<GetClockRequest, GetClockResponse>(RunningSuite.Method(MappaServices.Simulation, "GetClock"), new GetClockRequest());
        Assert.True(clock.Simulated);
        return clock.Now.ToDateTimeOffset();
    }

    private static async Task<List<WatchReviewMilestonesResponse>> ReadAsync(GrpcChannel channel, WatchReviewMilestonesRequest request, int count)
    {
        // The stream stays open: stop reading once the expected milestones are in (the deadline only bounds a broken run).
        using var stop = new CancellationTokenSource();
        var seen = new List<WatchReviewMilestonesResponse>();
        try
        {
            await foreach (var milestone in channel.ServerStreamingAsync<WatchReviewMilestonesRequest, WatchReviewMilestonesResponse>(Watch, request,
                new CallOptions { CancellationToken = stop.Token, DeadlineUtc = DateTime.UtcNow.AddSeconds(30) }))
            {
                seen.Add(milestone);
                if (seen.Count == count)
                    await stop.CancelAsync();
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }
        return seen;
    }
}
