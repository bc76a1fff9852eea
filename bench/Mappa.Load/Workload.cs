using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mappa.Contracts;
using Mappa.Contracts.CaseConference.V1;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Contracts.Scheduling.V1;
using Mappa.Grpc.Client;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Domain = Mappa.RiskAssessment.Features.Instruments;
using MethodDescriptor = Google.Protobuf.Reflection.MethodDescriptor;

namespace Mappa.Load;

/// <summary>
/// What one practitioner-like client does, over and over: registers a subject, records the four instruments
/// (RM2000, Stable-2007, LS/CMI, RoSH), reads the subject and its history, proposes and schedules a conference a few
/// seconds ahead, looks at the review calendar and the compliance report, and holds (with attendance) the conferences
/// it scheduled earlier once their start has passed. Every call must succeed.
/// </summary>
public sealed class Workload
{
    public const string Area = "glasgow";

    /// <summary>Every RPC the mix calls: the smoke test checks each was called.</summary>
    public static readonly string[] Rpcs =
    [
        "CreateSubject", "GetSubject", "RecordAssessment", "ListAssessments", "GetAssessment", "GetRiskSummary",
        "CreateConference", "ScheduleConference", "RecordConferenceHeld", "RecordAttendance",
        "ListReviewObligations", "GetComplianceReport",
    ];

    // How far ahead a conference is scheduled: calls take seconds on a loaded machine, and ScheduleConference refuses a
    // start that has passed by the time it is handled (INVALID_ARGUMENT), so the lead leaves a wide margin.
    private readonly TimeSpan _conferenceLead;

    private readonly GrpcChannel _riskAssessment;
    private readonly GrpcChannel _caseConference;
    private readonly GrpcChannel _scheduling;
    private readonly Recorder _recorder;
    private readonly int _client;
    private readonly Queue<(string ConferenceId, DateTimeOffset Start)> _toHold = new();
    private int _iteration;

    public Workload(int client, GrpcChannel riskAssessment, GrpcChannel caseConference, GrpcChannel scheduling, Recorder recorder, TimeSpan conferenceLead)
    {
        _conferenceLead = conferenceLead;
        _client = client;
        _riskAssessment = riskAssessment;
        _caseConference = caseConference;
        _scheduling = scheduling;
        _recorder = recorder;
    }

    public async Task RunAsync(Func<bool> keepGoing, CancellationToken cancellationToken)
    {
        while (keepGoing() && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await IterationAsync();
            }
            catch (CallFailedException)
            {
                // Counted by the recorder; carry on with a fresh iteration.
            }
        }
        // Finish what was started: hold the conferences still waiting for their start, so every run (however short)
        // calls RecordConferenceHeld and RecordAttendance.
        while (_toHold.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            var wait = _toHold.Peek().Start.AddMilliseconds(600) - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            try
            {
                await HoldDueConferencesAsync();
            }
            catch (CallFailedException)
            {
                // Counted; the conference is dropped.
            }
        }
    }

    private async Task IterationAsync()
    {
        _iteration++;
        await HoldDueConferencesAsync();

        var subject = (await Call<CreateSubjectRequest, CreateSubjectResponse>(_riskAssessment, MappaServices.Subjects, "CreateSubject", new CreateSubjectRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = $"LOAD/{Guid.NewGuid():N}"[..17] } },
            Category = MappaCategory._2,
            LeadAgency = AgencyKind.Police,
            Area = Area,
        })).Subject.SubjectId;
        await Call<GetSubjectRequest, GetSubjectResponse>(_riskAssessment, MappaServices.Subjects, "GetSubject", new GetSubjectRequest { SubjectId = subject });

        string? lastAssessment = null;
        foreach (var (instrument, scores) in Inputs)
        {
            lastAssessment = (await Call<RecordAssessmentRequest, RecordAssessmentResponse>(_riskAssessment, MappaServices.Assessments, "RecordAssessment", new RecordAssessmentRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SubjectId = subject,
                Instrument = instrument,
                Scores = scores,
                AssessedDate = Yesterday(),
                AssessorId = $"load-assessor-{_client}",
                Agency = AgencyKind.SocialWork,
            })).Assessment.AssessmentId;
        }
        await Call<ListAssessmentsRequest, ListAssessmentsResponse>(_riskAssessment, MappaServices.Assessments, "ListAssessments", new ListAssessmentsRequest { SubjectId = subject, PageSize = 10 });
        await Call<GetAssessmentRequest, GetAssessmentResponse>(_riskAssessment, MappaServices.Assessments, "GetAssessment", new GetAssessmentRequest { AssessmentId = lastAssessment });
        await Call<GetRiskSummaryRequest, GetRiskSummaryResponse>(_riskAssessment, MappaServices.Assessments, "GetRiskSummary", new GetRiskSummaryRequest { SubjectId = subject });

        var proposedStart = DateTimeOffset.UtcNow + _conferenceLead + _conferenceLead;
        var conference = (await Call<CreateConferenceRequest, CreateConferenceResponse>(_caseConference, MappaServices.Conferences, "CreateConference", new CreateConferenceRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Kind = ConferenceKind.InitialLevel2,
            SubjectIds = { subject },
            Area = Area,
            StartTime = Timestamp.FromDateTimeOffset(proposedStart),
            Duration = Duration.FromTimeSpan(TimeSpan.FromHours(1)),
            Venue = new Venue { Place = "Area office, room 3" },
            ChairId = $"load-chair-{_client}",
        })).Conference.ConferenceId;
        // Scheduled for a start the lead ahead of now; held once it has passed (next iterations, or at the end).
        var start = DateTimeOffset.UtcNow + _conferenceLead;
        await Call<ScheduleConferenceRequest, ScheduleConferenceResponse>(_caseConference, MappaServices.Conferences, "ScheduleConference", new ScheduleConferenceRequest
        {
            ConferenceId = conference,
            StartTime = Timestamp.FromDateTimeOffset(start),
        });
        _toHold.Enqueue((conference, start));

        await Call<ListReviewObligationsRequest, ListReviewObligationsResponse>(_scheduling, MappaServices.ReviewCalendar, "ListReviewObligations", new ListReviewObligationsRequest { Area = Area, PageSize = 20 });
        if (_iteration % 4 == 1)
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var first = new DateOnly(today.Year, today.Month, 1);
            await Call<GetComplianceReportRequest, GetComplianceReportResponse>(_scheduling, MappaServices.Compliance, "GetComplianceReport", new GetComplianceReportRequest
            {
                Area = Area, PeriodStart = Date(first.AddMonths(-1)), PeriodEnd = Date(first),
            });
        }
    }

    private async Task HoldDueConferencesAsync()
    {
        // Half a second past the start, so the services' clocks (this machine's) agree it has begun.
        while (_toHold.Count > 0 && _toHold.Peek().Start.AddMilliseconds(500) < DateTimeOffset.UtcNow)
        {
            var (conference, _) = _toHold.Dequeue();
            await Call<RecordConferenceHeldRequest, RecordConferenceHeldResponse>(_caseConference, MappaServices.Conferences, "RecordConferenceHeld", new RecordConferenceHeldRequest { ConferenceId = conference });
            await Call<RecordAttendanceRequest, RecordAttendanceResponse>(_caseConference, MappaServices.Conferences, "RecordAttendance", new RecordAttendanceRequest
            {
                ConferenceId = conference,
                Agency = new Agency { Kind = AgencyKind.Police },
                Status = AttendanceStatus.Attended,
            });
        }
    }

    private Task<TResponse> Call<TRequest, TResponse>(GrpcChannel channel, Google.Protobuf.Reflection.ServiceDescriptor service, string rpc, TRequest request)
        where TRequest : class, IMessage where TResponse : class, IMessage
    {
        MethodDescriptor method = service.FindMethodByName(rpc);
        return _recorder.Time(rpc, () => channel.UnaryAsync<TRequest, TResponse>(method, request));
    }

    private static Google.Type.Date Yesterday() => Date(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1));

    private static Google.Type.Date Date(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>Valid inputs for the four instruments, from the shipped rule sets.</summary>
    private static readonly (Instrument Instrument, InstrumentScores Scores)[] Inputs = BuildInputs();

    private static (Instrument, InstrumentScores)[] BuildInputs()
    {
        var rules = RuleSetRegistry.LoadDefault();
        var lsCmi = (LsCmiRuleSet)rules.Current(Domain.Instrument.LsCmi);
        var stable = (Stable2007RuleSet)rules.Current(Domain.Instrument.Stable2007);
        var rosh = (RoshRuleSet)rules.Current(Domain.Instrument.Rosh);
        return
        [
            (Instrument.RiskMatrix2000, new RiskMatrix2000Input(23, 2, 6, 1, true, true, false, true, false).ToContract()),
            (Instrument.Stable2007, new Stable2007Input(stable.ItemsFor(false).Select((item, i) => new Domain.ItemScore(item.Number, i % 2 == 0 ? item.Max : item.Min)).ToArray(), false).ToContract()),
            (Instrument.LsCmi, new LsCmiInput(lsCmi.Items.Select((item, i) => new Domain.ItemScore(item.Number, i % 3 == 0 ? item.Max : item.Min)).ToArray()).ToContract()),
            (Instrument.Rosh, new RoshInput(rosh.RequiredPairs.Select(pair => new RoshRating(pair.Group, pair.Setting, Domain.RoshLevel.Medium)).ToArray(),
                "Load test narrative.", "Load test narrative.", "Load test narrative.", "Load test narrative.").ToContract()),
        ];
    }
}
