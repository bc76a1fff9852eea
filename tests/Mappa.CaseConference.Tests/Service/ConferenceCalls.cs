using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using MassTransit;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.CaseConference.Tests.Service;

/// <summary>Drives the ConferenceService of a running suite through our gRPC client, as a partner system would.</summary>
internal sealed class ConferenceCalls(RunningSuite suite, string area, string role = Role.MappaCoordinator, string agencyKind = "SOCIAL_WORK") : IDisposable
{
    private readonly GrpcChannel _channel = suite.Channel(suite.Token(role, area, agencyKind));

    public static string NewArea(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public string Area => area;

    public Task<TResponse> Call<TRequest, TResponse>(string method, TRequest request)
        where TRequest : class, IMessage where TResponse : class, IMessage =>
        _channel.UnaryAsync<TRequest, TResponse>(RunningSuite.Method(MappaServices.Conferences, method), request);

    public async Task<Conference> Create(params string[] subjectIds) => await Create(new CreateConferenceRequest(), subjectIds);

    public async Task<Conference> Create(CreateConferenceRequest request, params string[] subjectIds)
    {
        var start = suite.Clock().GetUtcNow().AddHours(1);
        request.Kind = request.Kind == ConferenceKind.Unspecified ? ConferenceKind.InitialLevel2 : request.Kind;
        request.Area = area;
        request.StartTime ??= Timestamp.FromDateTimeOffset(start);
        request.Duration ??= Duration.FromTimeSpan(TimeSpan.FromHours(1));
        request.Venue ??= new Venue { Place = "Area office, room 3" };
        request.ChairId = request.ChairId.Length > 0 ? request.ChairId : "coordinator-1";
        if (request.SubjectIds.Count == 0)
            request.SubjectIds.AddRange(subjectIds.Length > 0 ? subjectIds : [Guid.NewGuid().ToString()]);
        return (await Call<CreateConferenceRequest, CreateConferenceResponse>("CreateConference", request)).Conference;
    }

    public async Task<Conference> Get(string conferenceId) =>
        (await Call<GetConferenceRequest, GetConferenceResponse>("GetConference", new() { ConferenceId = conferenceId })).Conference;

    public async Task<Conference> Schedule(string conferenceId) =>
        (await Call<ScheduleConferenceRequest, ScheduleConferenceResponse>("ScheduleConference", new() { ConferenceId = conferenceId })).Conference;

    /// <summary>Schedules it, lets the simulated clock pass its start, and records it held.</summary>
    public async Task<Conference> ScheduleAndHold(string conferenceId)
    {
        await Schedule(conferenceId);
        suite.Clock().Advance(TimeSpan.FromHours(2));
        return (await Call<RecordConferenceHeldRequest, RecordConferenceHeldResponse>("RecordConferenceHeld", new() { ConferenceId = conferenceId })).Conference;
    }

    public async Task<Conference> Attend(string conferenceId, AgencyKind agency, AttendanceStatus status = AttendanceStatus.Attended) =>
        (await Call<RecordAttendanceRequest, RecordAttendanceResponse>("RecordAttendance", new()
        {
            ConferenceId = conferenceId,
            Agency = new Agency { Kind = agency },
            Status = status,
        })).Conference;

    public async Task<Conference> Decide(string conferenceId, string subjectId, MappaLevel level) =>
        (await Call<RecordDecisionRequest, RecordDecisionResponse>("RecordDecision", new()
        {
            ConferenceId = conferenceId,
            SubjectId = subjectId,
            Level = level,
            Category = MappaCategory._2,
        })).Conference;

    public async Task<Conference> Minute(string conferenceId) =>
        (await Call<MinuteConferenceRequest, MinuteConferenceResponse>("MinuteConference", new() { ConferenceId = conferenceId, Summary = "Plan agreed." })).Conference;

    /// <summary>A conference about <paramref name="subjectId"/> taken all the way to minutes, deciding <paramref name="level"/>.</summary>
    public async Task<Conference> MinutedWithLevel(string subjectId, MappaLevel level)
    {
        var conference = await Create(subjectId);
        await ScheduleAndHold(conference.ConferenceId);
        foreach (var invitation in conference.Invitations)
            await Attend(conference.ConferenceId, invitation.Agency.Kind);
        await Decide(conference.ConferenceId, subjectId, level);
        return await Minute(conference.ConferenceId);
    }

    /// <summary>Registers a subject in RiskAssessment (same suite) and returns its id.</summary>
    public async Task<string> RegisterSubject(MappaCategory category = MappaCategory._1)
    {
        var response = await _channel.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(RunningSuite.Method(MappaServices.Subjects, "CreateSubject"), new()
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = "TEST/" + Guid.NewGuid().ToString("N")[..12] } },
            Category = category,
            LeadAgency = AgencyKind.Police,
            Area = area,
            DisplayName = "Test Person",
        });
        return response.Subject.SubjectId;
    }

    public static string ReasonOf(RpcException error) =>
        error.Details?.Details.SingleOrDefault(d => d.Is(ErrorInfo.Descriptor))?.Unpack<ErrorInfo>().Type
        ?? throw new Xunit.Sdk.XunitException($"No ErrorInfo in {error.StatusCode}: {error.Detail}");

    public void Dispose() => _channel.Dispose();
}

internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var value = await probe();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Gave up waiting for {what}; last value: {value}");
            await Task.Delay(50);
        }
    }
}

internal static class ReviewDueNotices
{
    public static Events.Scheduling.ReviewDue For(string subjectId, string area, string obligationId,
        Events.ReviewKind kind = Events.ReviewKind.MappaMeeting) => new()
    {
        OccurredAt = DateTimeOffset.UtcNow,
        Subject = Events.SubjectReference.Of(subjectId),
        Detail = new Events.DetailLink("/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations", "subject_id", subjectId),
        ObligationId = obligationId,
        Kind = kind,
        DueDate = new DateOnly(2030, 3, 1),
        Area = area,
    };

    public static Task Publish(RunningSuite suite, Events.Scheduling.ReviewDue notice, Guid? messageId = null) =>
        suite.Services.GetRequiredService<IBus>().Publish(notice, context => context.MessageId = messageId ?? notice.EventId);
}
