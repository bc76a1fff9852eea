using Mappa.RiskAssessment.Features.Instruments;
using Mappa.Security;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Features.Assessments;

/// <summary>
/// The re-scoring audit as a command (<c>Mappa.RiskAssessment rescore [--include-consistent]</c>): the same check as the
/// RescoreAssessments RPC over every stored assessment of every area, one line per finding, for an operator who must
/// answer "which records need review" without a client. Exit code 0: all consistent; 1: some need review.
/// </summary>
public static class RescoreCommand
{
    public const string Name = "rescore";

    private static readonly CallerIdentity Operator = new("rescore-command", "", Contracts.Common.V1.AgencyKind.Unspecified, [MappaClaims.AllAreas], [Role.Auditor]);

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, bool includeConsistent, CancellationToken cancellationToken = default)
    {
        var checkedCount = 0;
        var needReview = 0;
        var token = "";
        do
        {
            await using var scope = services.CreateAsyncScope();
            var rescoring = scope.ServiceProvider.GetRequiredService<AssessmentRescoring>();
            var (findings, count, next) = await rescoring.RescoreAsync(
                new Pb.RescoreAssessmentsRequest { PageToken = token, PageSize = AssessmentRescoring.MaxPageSize, IncludeConsistent = includeConsistent },
                Operator, cancellationToken);
            foreach (var finding in findings)
            {
                if (finding.Outcome.NeedsReview)
                {
                    needReview++;
                }
                var fields = finding.Outcome.Mismatches.Select(m => $"{m.Field}: stored {m.StoredValue}, recomputed {m.RecomputedValue}")
                    .Concat(finding.Outcome.Violations.Select(v => $"{v.Field}: invalid"));
                await output.WriteLineAsync(string.Join('\t',
                    finding.Assessment.AssessmentId,
                    finding.Assessment.SubjectId,
                    EnumText.Of((Instrument)finding.Assessment.Instrument),
                    finding.Outcome.RuleSet.ToString(),
                    finding.Outcome.Status.ToString(),
                    string.Join("; ", fields)));
            }
            checkedCount += count;
            token = next;
        }
        while (token.Length > 0);
        await output.WriteLineAsync($"checked {checkedCount} assessments; {needReview} need review");
        return needReview == 0 ? 0 : 1;
    }
}
