using System.CommandLine;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Spectre.Console;

namespace Mappa.Cli.Assessments;

/// <summary>`mappa assessments record|get|history|summary`.</summary>
public static class AssessmentsCommand
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor RecordMethod = MappaServices.Assessments.FindMethodByName("RecordAssessment");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor GetMethod = MappaServices.Assessments.FindMethodByName("GetAssessment");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor ListMethod = MappaServices.Assessments.FindMethodByName("ListAssessments");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor SummaryMethod = MappaServices.Assessments.FindMethodByName("GetRiskSummary");

    public static Command Create(CommandRunner run)
    {
        var command = new Command("assessments", "Risk assessments: record from a file, read, history, current risk summary.");
        command.Subcommands.Add(Record(run));
        command.Subcommands.Add(GetOne(run));
        command.Subcommands.Add(History(run));
        command.Subcommands.Add(Summary(run));
        command.Subcommands.Add(Supersede(run));
        command.Subcommands.Add(SetReviewDate(run));
        return command;
    }

    private static Command Supersede(CommandRunner run)
    {
        var id = new Argument<string>("assessment-id") { Description = "The current assessment being corrected." };
        var file = new Option<string>("--file") { Description = "The corrected assessment, in the same JSON/YAML shape as `record` (subjectId is not needed).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the earlier assessment was wrong.", Required = true };
        var command = new Command("supersede", "Correct an assessment: the corrected one replaces it, the earlier one stays on record as superseded.") { id, file, reason };
        run.SetAction(command, async context =>
        {
            var corrected = AssessmentFile.Read(context.Value(file)!);
            var request = new SupersedeAssessmentRequest
            {
                AssessmentId = context.Value(id)!,
                Scores = corrected.Scores,
                Reason = context.Value(reason)!,
                AssessedDate = corrected.AssessedDate,
                AssessorId = corrected.AssessorId,
                Agency = corrected.Agency,
                LinkedAssessmentId = corrected.LinkedAssessmentId,
                SupervisionStartDate = corrected.SupervisionStartDate,
                EarlierReviewDate = corrected.EarlierReviewDate,
            };
            // Same file, same correction of the same assessment: one request id, so a retry never corrects twice.
            request.RequestId = corrected.RequestId.Length > 0 ? corrected.RequestId : AssessmentFile.RequestIdFor(request);
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<SupersedeAssessmentRequest, SupersedeAssessmentResponse>(
                MappaServices.Assessments.FindMethodByName("SupersedeAssessment"), request);
            if (context.Json)
            {
                Output.WriteJson(context, response);
                return ExitCodes.Ok;
            }
            context.Console.WriteLine($"Assessment {response.Superseded.AssessmentId} superseded by {response.Assessment.AssessmentId}.");
            WriteAssessment(context, response.Assessment);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SetReviewDate(CommandRunner run)
    {
        var id = new Argument<string>("assessment-id") { Description = "The assessment whose review date moves." };
        var date = new Option<string>("--date") { Description = "The new review date (yyyy-MM-dd).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the date moves.", Required = true };
        var command = new Command("set-review-date", "Set an assessment's review date other than the policy's (a later date needs an approver's role).") { id, date, reason };
        run.SetAction(command, async context =>
        {
            var text = context.Value(date)!;
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                throw new CliException(ExitCodes.InvalidArgument, $"--date: '{text}' is not a date (yyyy-MM-dd).");
            }
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<SetReviewDateRequest, SetReviewDateResponse>(MappaServices.Assessments.FindMethodByName("SetReviewDate"),
                new SetReviewDateRequest { AssessmentId = context.Value(id)!, ReviewDate = Output.ToDate(day), Reason = context.Value(reason)! });
            if (context.Json)
            {
                Output.WriteJson(context, response);
                return ExitCodes.Ok;
            }
            WriteAssessment(context, response.Assessment);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Record(CommandRunner run)
    {
        var file = new Option<string>("--file") { Description = "JSON or YAML (.yaml/.yml) RecordAssessment request: subjectId, scores, assessedDate, assessorId, agency.", Required = true };
        var subject = new Option<string?>("--subject") { Description = "The subject's id (overrides subjectId in the file)." };
        var command = new Command("record", "Record an assessment from a file of item scores; shows the levels the service computed.") { file, subject };
        run.SetAction(command, async context =>
        {
            var request = AssessmentFile.Read(context.Value(file)!);
            if (context.Value(subject) is { Length: > 0 } subjectId)
            {
                request.SubjectId = subjectId;
            }
            if (request.RequestId.Length == 0)
            {
                request.RequestId = AssessmentFile.RequestIdFor(request);
            }
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<RecordAssessmentRequest, RecordAssessmentResponse>(RecordMethod, request);
            if (context.Json)
            {
                Output.WriteJson(context, response);
            }
            else
            {
                context.Console.WriteLine($"Recorded assessment {response.Assessment.AssessmentId}.");
                WriteAssessment(context, response.Assessment);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GetOne(CommandRunner run)
    {
        var id = new Argument<string>("assessment-id") { Description = "The assessment's id." };
        var command = new Command("get", "Show one assessment and its computed levels.") { id };
        run.SetAction(command, async context =>
        {
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<GetAssessmentRequest, GetAssessmentResponse>(GetMethod, new GetAssessmentRequest { AssessmentId = context.Value(id)! });
            if (context.Json)
            {
                Output.WriteJson(context, response);
            }
            else
            {
                WriteAssessment(context, response.Assessment);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History(CommandRunner run)
    {
        var subject = new Argument<string>("subject-id") { Description = "The subject's id." };
        var superseded = new Option<bool>("--include-superseded") { Description = "Also show assessments a correction replaced." };
        var command = new Command("history", "A subject's assessments, newest first (every page).") { subject, superseded };
        run.SetAction(command, async (context, cancellationToken) =>
        {
            using var channel = context.OpenChannel();
            var request = new ListAssessmentsRequest { SubjectId = context.Value(subject)!, IncludeSuperseded = context.Value(superseded) };
            var combined = new ListAssessmentsResponse();
            do
            {
                var page = await channel.UnaryAsync<ListAssessmentsRequest, ListAssessmentsResponse>(
                    ListMethod, request, new Grpc.Client.CallOptions { CancellationToken = cancellationToken });
                combined.Assessments.Add(page.Assessments);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            if (context.Json)
            {
                Output.WriteJson(context, combined);
                return ExitCodes.Ok;
            }
            var table = Output.Table("Assessment", "Instrument", "Assessed", "Status", "Levels", "Next review", "Assessor");
            foreach (var assessment in combined.Assessments)
            {
                table.AddText(
                    assessment.AssessmentId,
                    EnumWords.Show(assessment.Instrument),
                    Output.Show(assessment.AssessedDate),
                    EnumWords.Show(assessment.Status),
                    string.Join(", ", Levels(assessment.Levels).Select(l => $"{l.Name} {l.Value}")),
                    Output.Show(assessment.NextReviewDate),
                    assessment.AssessorId);
            }
            context.Console.Write(table);
            context.Console.WriteLine($"{combined.Assessments.Count} assessment(s).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Summary(CommandRunner run)
    {
        var subject = new Argument<string>("subject-id") { Description = "The subject's id." };
        var command = new Command("summary", "A subject's current risk picture: level, latest assessments, flags, next review.") { subject };
        run.SetAction(command, async context =>
        {
            using var channel = context.OpenChannel();
            var summary = await channel.UnaryAsync<GetRiskSummaryRequest, GetRiskSummaryResponse>(SummaryMethod, new GetRiskSummaryRequest { SubjectId = context.Value(subject)! });
            if (context.Json)
            {
                Output.WriteJson(context, summary);
                return ExitCodes.Ok;
            }
            context.Console.WriteLine($"Subject {summary.SubjectId}: category {EnumWords.Show(summary.Category)}, level {EnumWords.Show(summary.Level)}, " +
                $"next review {Fallback(Output.Show(summary.NextReviewDate), "none")} (as of {Output.Show(summary.AsOf)}).");
            var latest = Output.Table("Instrument", "Assessment", "Assessed", "Levels");
            foreach (var assessment in summary.LatestAssessments)
            {
                latest.AddText(EnumWords.Show(assessment.Instrument), assessment.AssessmentId, Output.Show(assessment.AssessedDate),
                    string.Join(", ", Levels(assessment.Levels).Select(l => $"{l.Name} {l.Value}")));
            }
            context.Console.Write(latest);
            if (summary.Flags.Count == 0)
            {
                context.Console.WriteLine("No flags.");
            }
            else
            {
                var flags = Output.Table("Flag", "Instrument", "Assessment", "Due");
                foreach (var flag in summary.Flags)
                {
                    flags.AddText(EnumWords.Show(flag.Kind), EnumWords.Show(flag.Instrument), flag.AssessmentId, Output.Show(flag.DueDate));
                }
                context.Console.Write(flags);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteAssessment(CommandContext context, Assessment assessment)
    {
        var table = Output.Table("Field", "Value");
        table.AddText("Assessment", assessment.AssessmentId);
        table.AddText("Subject", assessment.SubjectId);
        table.AddText("Instrument", EnumWords.Show(assessment.Instrument));
        table.AddText("Status", EnumWords.Show(assessment.Status));
        table.AddText("Assessed", Output.Show(assessment.AssessedDate));
        table.AddText("Assessor", $"{assessment.AssessorId} ({EnumWords.Show(assessment.Agency)})");
        table.AddText("Rule set", assessment.RuleSet is null ? "" : $"{assessment.RuleSet.RuleSetId} v{assessment.RuleSet.Version}");
        foreach (var (name, value) in Levels(assessment.Levels))
        {
            table.AddText(name, value);
        }
        table.AddText("Next review", $"{Output.Show(assessment.NextReviewDate)} ({EnumWords.Show(assessment.ReviewDateBasis)})");
        context.Console.Write(table);
    }

    /// <summary>The levels the assessment's instrument set, in words ("LS/CMI level: HIGH").</summary>
    public static IEnumerable<(string Name, string Value)> Levels(AssessmentLevels? levels)
    {
        if (levels is null)
        {
            yield break;
        }
        foreach (var field in AssessmentLevels.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(levels);
            if (value is Enum e && System.Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture) != 0)
            {
                var words = field.EnumType.FindValueByNumber(System.Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture)).Name;
                var prefix = field.EnumType.Values[0].Name.Replace("UNSPECIFIED", "");
                yield return (Label(field.Name), words.StartsWith(prefix, StringComparison.Ordinal) ? words[prefix.Length..] : words);
            }
        }
    }

    private static string Label(string fieldName) => fieldName switch
    {
        "ls_cmi_level" => "LS/CMI level",
        "screening_band" => "Screening band",
        "risk_matrix_sexual" => "RM2000 sexual",
        "risk_matrix_violence" => "RM2000 violence",
        "risk_matrix_combined" => "RM2000 combined",
        "stable_level" => "Stable-2007 level",
        "acute_sexual_violent_level" => "Acute-2007 sexual/violent",
        "acute_general_level" => "Acute-2007 general",
        "rosh_overall_level" => "RoSH overall",
        "rosh_community_level" => "RoSH community",
        "rosh_custody_level" => "RoSH custody",
        _ => fieldName,
    };

    private static string Fallback(string value, string fallback) => value.Length == 0 ? fallback : value;
}
