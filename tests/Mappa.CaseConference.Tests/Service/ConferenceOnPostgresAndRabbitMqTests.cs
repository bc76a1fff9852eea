using Google.Protobuf.WellKnownTypes;
using ScheduleDetails = Mappa.CaseConference.Features.Conferences.ScheduleDetails;
using Mappa.CaseConference.Persistence;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Grpc;
using Microsoft.EntityFrameworkCore;
using ConferenceStatus = Mappa.Contracts.CaseConference.V1.ConferenceStatus;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>
/// What SQLite and the in-process bus cannot prove: the schema, snapshots and version check on PostgreSQL, and
/// review-due notices arriving over a real RabbitMQ broker.
/// </summary>
public sealed class ConferenceOnPostgresAndRabbitMqTests(ConferencePostgresAndRabbitMqSuite suite) : IClassFixture<ConferencePostgresAndRabbitMqSuite>
{
    [Fact]
    public async Task A_conference_is_minuted_on_postgres_and_counted_in_the_statistics()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("pg"));
        var periodStart = suite.Clock().GetUtcNow();
        var subjectId = Guid.NewGuid().ToString();

        var minuted = await coordinator.MinutedWithLevel(subjectId, MappaLevel._3);

        Assert.Equal(ConferenceStatus.Minuted, minuted.Status);
        Assert.Equal(minuted, await coordinator.Get(minuted.ConferenceId));
        var statistics = await coordinator.Call<GetAttendanceStatisticsRequest, GetAttendanceStatisticsResponse>("GetAttendanceStatistics", new()
        {
            Area = coordinator.Area,
            PeriodStart = Timestamp.FromDateTimeOffset(periodStart),
            PeriodEnd = Timestamp.FromDateTimeOffset(suite.Clock().GetUtcNow()),
        });
        Assert.Equal(1, statistics.Overall.ConferencesHeld);
        Assert.Equal(1.0, statistics.Overall.OtherAgencyAttendanceShare);
    }

    [Fact]
    public async Task Of_two_edits_read_at_the_same_version_on_postgres_the_second_is_aborted()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("pgrace"));
        var conference = await coordinator.Create();
        await using var first = suite.Services.CreateAsyncScope();
        await using var second = suite.Services.CreateAsyncScope();
        var store1 = first.ServiceProvider.GetRequiredService<ConferenceStore>();
        var store2 = second.ServiceProvider.GetRequiredService<ConferenceStore>();
        var read1 = (await store1.FindAsync(conference.ConferenceId, default))!;
        var read2 = (await store2.FindAsync(conference.ConferenceId, default))!;
        var now = suite.Clock().GetUtcNow();

        store1.Update(read1, read1.Conference.Schedule(new ScheduleDetails(), now));
        await store1.SaveAsync(default);
        store2.Update(read2, read2.Conference.Cancel("Second coordinator's reason.", now));
        var error = await Assert.ThrowsAsync<RpcException>(() => store2.SaveAsync(default));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal(ConferenceStatus.Scheduled, (await coordinator.Get(conference.ConferenceId)).Status);
    }

    [Fact]
    public async Task A_review_due_over_rabbitmq_proposes_one_conference_however_often_it_arrives()
    {
        using var coordinator = new ConferenceCalls(suite, ConferenceCalls.NewArea("mq"));
        var subjectId = Guid.NewGuid().ToString();
        await coordinator.MinutedWithLevel(subjectId, MappaLevel._3);
        var notice = ReviewDueNotices.For(subjectId, coordinator.Area, "obligation-" + Guid.NewGuid());

        await ReviewDueNotices.Publish(suite, notice);
        await ReviewDueNotices.Publish(suite, notice);
        var republished = ReviewDueNotices.For(subjectId, coordinator.Area, notice.ObligationId);
        await ReviewDueNotices.Publish(suite, republished);
        await Eventually.GetAsync(async () =>
        {
            await using var scope = suite.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CaseConferenceDbContext>();
            return await db.InboxMessages.AsNoTracking().CountAsync(m => m.MessageId == notice.EventId || m.MessageId == republished.EventId);
        }, count => count == 2, "both distinct notices in the inbox");

        var listed = await coordinator.Call<ListConferencesRequest, ListConferencesResponse>("ListConferences",
            new() { Area = coordinator.Area, SubjectId = subjectId, Status = ConferenceStatus.Proposed });
        var review = Assert.Single(listed.Conferences);
        Assert.Equal(ConferenceKind.Review, review.Kind);
        Assert.Equal(notice.ObligationId, review.SourceObligationId);
    }
}
