using Google.Protobuf;
using Google.Rpc;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.RiskAssessment.Features.Assessments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Persistence;
using Mappa.Security;
using Mappa.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Mappa.RiskAssessment.Tests.Assessments.AssessmentSamples;
using Domain = Mappa.RiskAssessment.Features.Instruments;

namespace Mappa.RiskAssessment.Tests.Assessments;

/// <summary>The AssessmentService end to end through the suite's gRPC client, on SQLite with the in-process bus.</summary>
public sealed class AssessmentServiceOnSqliteTests(RunningSuite suite) : AssessmentServiceTests(suite), IClassFixture<RunningSuite>;

/// <summary>The same behaviour on PostgreSQL (dates, keyset paging, unique indexes and the audit table on the real server).</summary>
public sealed class AssessmentServiceOnPostgresTests(PostgresSuite suite) : AssessmentServiceTests(suite), IClassFixture<PostgresSuite>;

public abstract class AssessmentServiceTests(RunningSuite suite)
{
    private static BadRequest Violations(RpcException error) =>
        error.Details!.Details.Single(d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();

    private Mappa.Grpc.Client.GrpcChannel As(string role, string area = "glasgow") => suite.Channel(suite.Token(role, area));

    private async Task<int> StoredCountAsync(string subjectId)
    {
        using var scope = suite.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
        return await db.Assessments.CountAsync(a => a.SubjectId == subjectId);
    }

    [Fact]
    public async Task Recording_an_LS_CMI_stores_the_item_scores_and_returns_the_level_the_service_computed()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var high = LsCmiTotalFor(Domain.LsCmiLevel.High);

        var recorded = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(high)));

        Assert.Equal(AssessmentStatus.Completed, recorded.Status);
        Assert.Equal(LsCmiLevel.High, recorded.Levels.LsCmiLevel);
        Assert.Equal(high, recorded.Result.LsCmi.TotalScore);
        Assert.Equal(LsCmi(high), recorded.Scores);
        Assert.Equal("ls-cmi-section1", recorded.RuleSet.RuleSetId);
        Assert.Equal(recorded, await assessor.GetAsync(recorded.AssessmentId));
    }

    [Fact]
    public async Task A_retried_record_with_the_same_request_id_returns_the_first_assessment_and_stores_one()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var request = NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.Medium));

        var first = await assessor.RecordAsync(request);
        var retried = await assessor.RecordAsync(request);

        Assert.Equal(first.AssessmentId, retried.AssessmentId);
        Assert.Equal(1, await StoredCountAsync(subject));
    }

    [Theory]
    [InlineData("out_of_range", "scores.ls_cmi.items[0].score")]
    [InlineData("missing_item", "scores.ls_cmi.items")]
    [InlineData("wrong_instrument", "scores.rosh")]
    [InlineData("no_scores", "scores")]
    [InlineData("override_approved_by_the_assessor", "scores.ls_cmi.professional_override.approver_id")]
    public async Task Invalid_scores_are_refused_with_the_field_path_and_nothing_is_stored(string problem, string expectedFieldPrefix)
    {
        var subject = await RegisterSubjectAsync(suite);
        var request = NewAssessment(subject, Instrument.LsCmi, LsCmi(10));
        switch (problem)
        {
            case "out_of_range": request.Scores.LsCmi.Items[0].Score = 99; break;
            case "missing_item": request.Scores.LsCmi.Items.RemoveAt(5); break;
            case "wrong_instrument": request.Scores = Rosh(Domain.RoshLevel.Low); break;
            case "no_scores": request.Scores = null; break;
            case "override_approved_by_the_assessor":
                request.Scores.LsCmi.ProfessionalOverride = new ProfessionalOverride
                {
                    Direction = OverrideDirection.Up, NewLevel = LsCmiLevel.VeryHigh, Reasons = { "Recent escalation." }, ApproverId = request.AssessorId,
                };
                break;
        }
        using var assessor = As(Role.Assessor);

        var error = await Assert.ThrowsAsync<RpcException>(() => assessor.RecordAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = Violations(error).FieldViolations;
        Assert.Contains(violations, v => v.Field.StartsWith(expectedFieldPrefix, StringComparison.Ordinal));
        Assert.Equal(0, await StoredCountAsync(subject));
    }

    [Fact]
    public async Task Missing_envelope_fields_are_each_named()
    {
        var subject = await RegisterSubjectAsync(suite);
        var request = NewAssessment(subject, Instrument.Unspecified, LsCmi(10));
        request.AssessedDate = null;
        request.AssessorId = "";
        request.Agency = AgencyKind.Unspecified;
        using var assessor = As(Role.Assessor);

        var error = await Assert.ThrowsAsync<RpcException>(() => assessor.RecordAsync(request));

        var fields = Violations(error).FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "instrument", "assessed_date", "assessor_id", "agency" }, fields);
        Assert.Equal(0, await StoredCountAsync(subject));
    }

    [Fact]
    public async Task A_correction_supersedes_the_old_assessment_which_stays_readable_and_linked_both_ways()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var original = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.Medium))));

        var response = await assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            AssessmentId = original.AssessmentId,
            Scores = LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.High)),
            Reason = "Item 12 was transcribed from the wrong form.",
            AssessedDate = Date(Today),
            AssessorId = "assessor-17",
            Agency = AgencyKind.SocialWork,
        });

        Assert.Equal(original.AssessmentId, response.Assessment.SupersedesAssessmentId);
        Assert.Equal(response.Assessment.AssessmentId, response.Superseded.SupersededByAssessmentId);
        var old = await assessor.GetAsync(original.AssessmentId);
        Assert.Equal(AssessmentStatus.Superseded, old.Status);
        Assert.Equal(original.Scores, old.Scores);
        Assert.Equal(LsCmiLevel.Medium, old.Levels.LsCmiLevel);
        Assert.Null(old.NextReviewDate);

        var current = await assessor.ListAsync(new ListAssessmentsRequest { SubjectId = subject });
        Assert.Equal([response.Assessment.AssessmentId], current.Assessments.Select(a => a.AssessmentId));
        var history = await assessor.ListAsync(new ListAssessmentsRequest { SubjectId = subject, IncludeSuperseded = true });
        Assert.Equal(2, history.Assessments.Count);

        var again = await Assert.ThrowsAsync<RpcException>(() => assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            RequestId = Guid.NewGuid().ToString(), AssessmentId = original.AssessmentId, Scores = LsCmi(3), Reason = "again",
            AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        }));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
    }

    [Fact]
    public async Task A_correction_must_use_the_same_instrument_and_give_a_reason()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var original = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(10)));

        var wrongInstrument = await Assert.ThrowsAsync<RpcException>(() => assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            AssessmentId = original.AssessmentId, Scores = Rosh(Domain.RoshLevel.Low), Reason = "typo",
            AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        }));
        var noReason = await Assert.ThrowsAsync<RpcException>(() => assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            AssessmentId = original.AssessmentId, Scores = LsCmi(11),
            AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        }));

        Assert.Contains(Violations(wrongInstrument).FieldViolations, v => v.Field == "scores.rosh");
        Assert.Contains(Violations(noReason).FieldViolations, v => v.Field == "reason");
        Assert.Equal(1, await StoredCountAsync(subject));
    }

    [Fact]
    public async Task References_to_other_assessments_must_resolve_to_the_same_subject_and_the_right_instrument()
    {
        var subject = await RegisterSubjectAsync(suite);
        var otherSubject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var rosh = await assessor.RecordAsync(NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.Low)));
        var othersLsCmi = await assessor.RecordAsync(NewAssessment(otherSubject, Instrument.LsCmi, LsCmi(10)));
        var lsCmi = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(10)));

        var unknown = NewAssessment(subject, Instrument.Stable2007, Stable(3));
        unknown.LinkedAssessmentId = Guid.NewGuid().ToString();
        var otherPersons = NewAssessment(subject, Instrument.LsiRSv, Screening(2, othersLsCmi.AssessmentId));
        var notAnLsCmi = NewAssessment(subject, Instrument.LsiRSv, Screening(2, rosh.AssessmentId));

        Assert.Equal("linked_assessment_id", (await RefusedField(assessor, unknown)));
        Assert.Equal("scores.lsi_r_sv.full_assessment_id", (await RefusedField(assessor, otherPersons)));
        Assert.Equal("scores.lsi_r_sv.full_assessment_id", (await RefusedField(assessor, notAnLsCmi)));

        var screening = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsiRSv, Screening(2, lsCmi.AssessmentId)));
        Assert.Equal(lsCmi.AssessmentId, screening.Scores.LsiRSv.FullAssessmentId);
    }

    private static async Task<string> RefusedField(Mappa.Grpc.Client.GrpcChannel channel, RecordAssessmentRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.RecordAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return Assert.Single(Violations(error).FieldViolations).Field;
    }

    [Fact]
    public async Task A_partner_reader_sees_levels_but_no_item_scores_results_or_narrative()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var recorded = await assessor.RecordAsync(NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.High)));
        using var partner = As(Role.PartnerReader);

        var seen = await partner.GetAsync(recorded.AssessmentId);
        var summary = await partner.SummaryAsync(subject);

        Assert.True(seen.DetailRedacted);
        Assert.Null(seen.Scores);
        Assert.Null(seen.Result);
        Assert.Equal(RoshLevel.High, seen.Levels.RoshOverallLevel);
        Assert.Equal(RoshLevel.High, summary.OverallRoshLevel);
        Assert.DoesNotContain("SECRET", seen.ToString() + summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("SECRET-NATURE", (await assessor.GetAsync(recorded.AssessmentId)).Scores.Rosh.Nature, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_outside_the_subjects_area_gets_not_found_for_every_read_and_write()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var recorded = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(10)));
        using var elsewhere = As(Role.Assessor, area: "edinburgh");
        using var approverElsewhere = As(Role.Manager, area: "edinburgh");

        var calls = new Func<Task>[]
        {
            () => elsewhere.GetAsync(recorded.AssessmentId),
            () => elsewhere.SummaryAsync(subject),
            () => elsewhere.ListAsync(new ListAssessmentsRequest { SubjectId = subject }),
            () => elsewhere.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(10))),
            () => elsewhere.SupersedeAsync(new SupersedeAssessmentRequest
            {
                AssessmentId = recorded.AssessmentId, Scores = LsCmi(11), Reason = "x",
                AssessedDate = Date(Today), AssessorId = "a", Agency = AgencyKind.SocialWork,
            }),
            () => approverElsewhere.UnaryAsync<SetReviewDateRequest, SetReviewDateResponse>(SetReviewDate,
                new SetReviewDateRequest { AssessmentId = recorded.AssessmentId, ReviewDate = Date(Today.AddDays(30)), Reason = "x" }),
        };
        foreach (var call in calls)
        {
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(call)).StatusCode);
        }
        Assert.Equal(1, await StoredCountAsync(subject));
    }

    [Fact]
    public async Task The_review_date_follows_the_policy_and_an_assessor_may_only_bring_it_forward()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var assessedOn = Today.AddDays(-3);
        var policy = suite.Service<ReviewPolicy>();
        var expected = policy.PolicyReviewDate(Domain.Instrument.LsCmi, "HIGH", 1, assessedOn, "glasgow");

        var byPolicy = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.High)), assessedOn));
        var earlierRequest = NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.High), assessedOn);
        earlierRequest.EarlierReviewDate = new EarlierReviewDate { ReviewDate = Date(assessedOn.AddDays(14)), Reason = "Release from custody next week." };
        var earlier = await assessor.RecordAsync(earlierRequest);
        var laterRequest = NewAssessment(subject, Instrument.Stable2007, Stable(3), assessedOn);
        laterRequest.EarlierReviewDate = new EarlierReviewDate { ReviewDate = Date(assessedOn.AddYears(2)), Reason = "Stable for years." };
        var later = await Assert.ThrowsAsync<RpcException>(() => assessor.RecordAsync(laterRequest));

        Assert.Equal(ReviewDateBasis.Policy, byPolicy.ReviewDateBasis);
        Assert.Equal(expected, ToDateOnly(byPolicy.NextReviewDate));
        Assert.Equal(assessedOn.AddDays(14), ToDateOnly(earlier.NextReviewDate));
        Assert.Equal(ReviewDateBasis.EarlierByAssessor, earlier.ReviewDateBasis);
        Assert.Equal("earlier_review_date.review_date", Assert.Single(Violations(later).FieldViolations).Field);
    }

    [Fact]
    public async Task A_later_review_date_needs_an_approver()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var recorded = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.High))));
        var later = ToDateOnly(recorded.NextReviewDate).AddMonths(3);
        var request = new SetReviewDateRequest { AssessmentId = recorded.AssessmentId, ReviewDate = Date(later), Reason = "Stable in hostel; panel agreed." };

        var refused = await Assert.ThrowsAsync<RpcException>(() => assessor.UnaryAsync<SetReviewDateRequest, SetReviewDateResponse>(SetReviewDate, request));
        using var manager = As(Role.Manager);
        var approved = (await manager.UnaryAsync<SetReviewDateRequest, SetReviewDateResponse>(SetReviewDate, request)).Assessment;

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal(later, ToDateOnly(approved.NextReviewDate));
        Assert.Equal(ReviewDateBasis.Approved, approved.ReviewDateBasis);
        Assert.Equal(recorded.NextReviewDate, approved.PolicyReviewDate);
        Assert.True(approved.DetailRedacted);
        Assert.Equal(later, ToDateOnly((await assessor.GetAsync(recorded.AssessmentId)).NextReviewDate));
    }

    [Fact]
    public async Task The_summary_shows_the_latest_assessment_per_instrument_and_flags_what_needs_attention()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var longAgo = Today.AddYears(-2);
        var oldRosh = NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.Low), longAgo);
        oldRosh.SupervisionStartDate = Date(longAgo);
        await assessor.RecordAsync(oldRosh);
        var latestRosh = await assessor.RecordAsync(NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.VeryHigh), longAgo.AddDays(7)));
        var stable = await assessor.RecordAsync(NewAssessment(subject, Instrument.Stable2007, Stable(3)));

        var summary = await assessor.SummaryAsync(subject);

        Assert.Equal(RoshLevel.VeryHigh, summary.OverallRoshLevel);
        Assert.Equal(MappaCategory._1, summary.Category);
        Assert.Equal([Instrument.Stable2007, Instrument.Rosh], summary.LatestAssessments.Select(a => a.Instrument).Order());
        Assert.Contains(summary.LatestAssessments, a => a.AssessmentId == latestRosh.AssessmentId);
        var flags = summary.Flags.Select(f => (f.Kind, f.AssessmentId)).ToHashSet();
        Assert.Contains((RiskFlagKind.Sa07WithoutRm2000, stable.AssessmentId), flags);
        Assert.Contains((RiskFlagKind.ReviewOverdue, latestRosh.AssessmentId), flags);
        Assert.Contains((RiskFlagKind.LsCmiNotCompletedInTime, ""), flags);
        Assert.DoesNotContain(summary.Flags, f => f.Kind == RiskFlagKind.HighRoshWithoutReviewDate);
    }

    [Fact]
    public async Task Rescoring_finds_a_stored_assessment_whose_level_does_not_follow_from_its_scores()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var honest = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.Low))));
        var planted = await PlantWrongLevelAsync(honest);

        using var auditor = As(Role.Auditor);
        var findings = new List<RescoringFinding>();
        var checkedCount = 0;
        var token = "";
        do
        {
            var page = await auditor.UnaryAsync<RescoreAssessmentsRequest, RescoreAssessmentsResponse>(Rescore,
                new RescoreAssessmentsRequest { PageSize = 3, PageToken = token });
            findings.AddRange(page.Findings);
            checkedCount += page.CheckedCount;
            token = page.NextPageToken;
        } while (token.Length > 0);

        var finding = Assert.Single(findings);
        Assert.Equal(planted, finding.AssessmentId);
        Assert.Equal(RescoringStatus.Mismatched, finding.Status);
        var mismatch = Assert.Single(finding.Mismatches);
        Assert.Equal("ls_cmi.final_level", mismatch.Field);
        Assert.Equal("VERY_HIGH", mismatch.StoredValue);
        Assert.Equal("LOW", mismatch.RecomputedValue);
        Assert.True(checkedCount >= 2);
        using var assessorCannot = As(Role.Assessor);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() =>
            assessorCannot.UnaryAsync<RescoreAssessmentsRequest, RescoreAssessmentsResponse>(Rescore, new RescoreAssessmentsRequest()))).StatusCode);
    }

    [Fact]
    public async Task The_rescore_command_lists_the_planted_mismatch_and_exits_with_failure()
    {
        // Another area, so the area-scoped rescoring test of this class never sees this planted row.
        var subject = await RegisterSubjectAsync(suite, area: "dundee");
        using var assessor = As(Role.Assessor, area: "dundee");
        var honest = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.Medium))));
        var planted = await PlantWrongLevelAsync(honest);
        var output = new StringWriter();

        var exitCode = await RescoreCommand.RunAsync(suite.Services, output, includeConsistent: true);

        Assert.Equal(1, exitCode);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith(planted, StringComparison.Ordinal) && l.Contains("Mismatched", StringComparison.Ordinal)
            && l.Contains("ls_cmi.final_level: stored VERY_HIGH, recomputed MEDIUM", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(honest.AssessmentId, StringComparison.Ordinal) && l.Contains("Consistent", StringComparison.Ordinal));
        Assert.DoesNotContain("SECRET", output.ToString(), StringComparison.Ordinal);
    }

    // A row written past the service, as the 2022 incident's faulty system did: right item scores, wrong stored level.
    private async Task<string> PlantWrongLevelAsync(Assessment template)
    {
        using var scope = suite.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
        var stored = await db.Assessments.AsNoTracking().SingleAsync(a => a.AssessmentId == template.AssessmentId);
        var wrong = InstrumentResult.Parser.ParseFrom(stored.Result);
        wrong.LsCmi.FinalLevel = LsCmiLevel.VeryHigh;
        var id = Guid.CreateVersion7().ToString();
        db.Assessments.Add(new AssessmentRecord
        {
            AssessmentId = id, SubjectId = stored.SubjectId, Instrument = stored.Instrument, AssessedOn = stored.AssessedOn,
            AssessorId = stored.AssessorId, Agency = stored.Agency, RuleSetId = stored.RuleSetId, RuleSetVersion = stored.RuleSetVersion,
            Scores = stored.Scores, Result = wrong.ToByteArray(), RecordedAt = stored.RecordedAt, RecordedBy = "legacy-import",
        });
        await db.SaveChangesAsync();
        return id;
    }

    [Fact]
    public async Task Recording_and_correcting_write_thin_events_to_the_outbox_with_the_data()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var first = await assessor.RecordAsync(NewAssessment(subject, Instrument.Rosh, Rosh(Domain.RoshLevel.Medium)));
        var correction = (await assessor.SupersedeAsync(new SupersedeAssessmentRequest
        {
            RequestId = Guid.NewGuid().ToString(), AssessmentId = first.AssessmentId, Scores = Rosh(Domain.RoshLevel.High),
            Reason = "SECRET-REASON", AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        })).Assessment;

        using var scope = suite.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RiskAssessmentDbContext>();
        var events = await db.OutboxMessages.AsNoTracking().Where(m => m.SubjectKey == subject).OrderBy(m => m.SubjectPosition).ToListAsync();

        Assert.Equal(
            [
                "mappa.riskassessment.subject.registered",
                "mappa.riskassessment.assessment.recorded", "mappa.riskassessment.review-date.set",
                "mappa.riskassessment.assessment.recorded", "mappa.riskassessment.assessment.superseded",
                "mappa.riskassessment.risk-level.changed", "mappa.riskassessment.review-date.set",
            ],
            events.Select(e => e.EventType));
        var changed = events.Single(e => e.EventType == "mappa.riskassessment.risk-level.changed").Payload;
        Assert.Contains("\"previousLevel\":\"MEDIUM\"", changed, StringComparison.Ordinal);
        Assert.Contains("\"newLevel\":\"HIGH\"", changed, StringComparison.Ordinal);
        Assert.Contains(correction.AssessmentId, changed, StringComparison.Ordinal);
        Assert.All(events, e => Assert.DoesNotContain("SECRET", e.Payload, StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain("Test Person", e.Payload, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_read_and_write_of_a_subjects_assessments_is_audited_in_the_service_database_for_auditors()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var recorded = await assessor.RecordAsync(NewAssessment(subject, Instrument.LsCmi, LsCmi(10)));
        await assessor.GetAsync(recorded.AssessmentId);
        using var partner = As(Role.PartnerReader);
        await partner.SummaryAsync(subject);
        var listAudit = RunningSuite.Method(Mappa.Contracts.MappaServices.Assessments, "ListAuditEntries");

        using var auditor = As(Role.Auditor);
        var entries = (await auditor.UnaryAsync<ListAuditEntriesRequest, ListAuditEntriesResponse>(listAudit,
            new ListAuditEntriesRequest { SubjectId = subject })).Entries;
        var assessorMayNot = await Assert.ThrowsAsync<RpcException>(() =>
            assessor.UnaryAsync<ListAuditEntriesRequest, ListAuditEntriesResponse>(listAudit, new ListAuditEntriesRequest { SubjectId = subject }));

        Assert.Equal(
            [
                ("/mappa.riskassessment.v1.AssessmentService/GetRiskSummary", "test-partner-reader"),
                ("/mappa.riskassessment.v1.AssessmentService/GetAssessment", "test-assessor"),
                ("/mappa.riskassessment.v1.AssessmentService/RecordAssessment", "test-assessor"),
            ],
            entries.Select(e => (e.Method, e.Caller)));
        Assert.All(entries, e => Assert.Equal(subject, e.SubjectId));
        Assert.All(entries, e => Assert.Equal(0, e.Outcome));
        Assert.Equal(StatusCode.PermissionDenied, assessorMayNot.StatusCode);
    }

    [Fact]
    public async Task A_draft_is_saved_incomplete_then_completed_into_an_assessment_once()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var saveDraft = RunningSuite.Method(Mappa.Contracts.MappaServices.Assessments, "SaveDraft");
        var completeDraft = RunningSuite.Method(Mappa.Contracts.MappaServices.Assessments, "CompleteDraft");
        var partial = LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.High));
        partial.LsCmi.Items.RemoveAt(partial.LsCmi.Items.Count - 1);

        var started = (await assessor.UnaryAsync<SaveDraftRequest, SaveDraftResponse>(saveDraft,
            new SaveDraftRequest { SubjectId = subject, Instrument = Instrument.LsCmi, Scores = partial })).Draft;
        var completeRequest = new CompleteDraftRequest
        {
            RequestId = Guid.NewGuid().ToString(), DraftId = started.DraftId, AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork,
        };
        var tooEarly = await Assert.ThrowsAsync<RpcException>(() =>
            assessor.UnaryAsync<CompleteDraftRequest, CompleteDraftResponse>(completeDraft, completeRequest));
        var finished = (await assessor.UnaryAsync<SaveDraftRequest, SaveDraftResponse>(saveDraft,
            new SaveDraftRequest { DraftId = started.DraftId, SubjectId = subject, Instrument = Instrument.LsCmi, Scores = LsCmi(LsCmiTotalFor(Domain.LsCmiLevel.High)) })).Draft;
        var before = await StoredCountAsync(subject);
        var completed = (await assessor.UnaryAsync<CompleteDraftRequest, CompleteDraftResponse>(completeDraft, completeRequest)).Assessment;
        var again = (await assessor.UnaryAsync<CompleteDraftRequest, CompleteDraftResponse>(completeDraft,
            new CompleteDraftRequest { DraftId = started.DraftId, AssessedDate = Date(Today), AssessorId = "assessor-17", Agency = AgencyKind.SocialWork })).Assessment;
        var editAfter = await Assert.ThrowsAsync<RpcException>(() => assessor.UnaryAsync<SaveDraftRequest, SaveDraftResponse>(saveDraft,
            new SaveDraftRequest { DraftId = started.DraftId, SubjectId = subject, Instrument = Instrument.LsCmi, Scores = LsCmi(3) }));

        Assert.Null(started.Result);
        Assert.Contains(started.IncompleteFields, f => f.StartsWith("scores.ls_cmi.items", StringComparison.Ordinal));
        Assert.Equal(StatusCode.InvalidArgument, tooEarly.StatusCode);
        Assert.Equal(started.DraftId, finished.DraftId);
        Assert.Empty(finished.IncompleteFields);
        Assert.Equal(LsCmiLevel.High, finished.Result.LsCmi.FinalLevel);
        Assert.Equal(0, before);
        Assert.Equal(LsCmiLevel.High, completed.Levels.LsCmiLevel);
        Assert.NotNull(completed.NextReviewDate);
        Assert.Equal(completed.AssessmentId, again.AssessmentId);
        Assert.Equal(1, await StoredCountAsync(subject));
        Assert.Equal(StatusCode.FailedPrecondition, editAfter.StatusCode);
    }

    [Fact]
    public async Task A_draft_is_invisible_outside_the_subjects_area()
    {
        var subject = await RegisterSubjectAsync(suite);
        using var assessor = As(Role.Assessor);
        var saveDraft = RunningSuite.Method(Mappa.Contracts.MappaServices.Assessments, "SaveDraft");
        var draft = (await assessor.UnaryAsync<SaveDraftRequest, SaveDraftResponse>(saveDraft,
            new SaveDraftRequest { SubjectId = subject, Instrument = Instrument.Rosh, Scores = Rosh(Domain.RoshLevel.Low) })).Draft;
        using var elsewhere = As(Role.Assessor, area: "edinburgh");

        var error = await Assert.ThrowsAsync<RpcException>(() => elsewhere.UnaryAsync<CompleteDraftRequest, CompleteDraftResponse>(
            RunningSuite.Method(Mappa.Contracts.MappaServices.Assessments, "CompleteDraft"),
            new CompleteDraftRequest { DraftId = draft.DraftId, AssessedDate = Date(Today), AssessorId = "a", Agency = AgencyKind.SocialWork }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(0, await StoredCountAsync(subject));
    }
}
