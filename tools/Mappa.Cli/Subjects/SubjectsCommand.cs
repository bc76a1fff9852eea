using System.CommandLine;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;
using Spectre.Console;

namespace Mappa.Cli.Subjects;

/// <summary>`mappa subjects register|get|list|import`.</summary>
public static class SubjectsCommand
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor CreateMethod = MappaServices.Subjects.FindMethodByName("CreateSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor Get = MappaServices.Subjects.FindMethodByName("GetSubject");
    private static readonly Google.Protobuf.Reflection.MethodDescriptor List = MappaServices.Subjects.FindMethodByName("ListSubjects");

    public static Command Create(CommandRunner run)
    {
        var command = new Command("subjects", "People managed under MAPPA: register, read, list, import a caseload.");
        command.Subcommands.Add(Register(run));
        command.Subcommands.Add(GetOne(run));
        command.Subcommands.Add(ListAll(run));
        command.Subcommands.Add(SubjectImportCommand.Create(run));
        return command;
    }

    private static Command Register(CommandRunner run)
    {
        var pnc = new Option<string>("--pnc") { Description = "Police National Computer number.", Required = true };
        var category = new Option<string>("--category") { Description = "MAPPA category: 1, 2 or 3.", Required = true };
        var leadAgency = new Option<string>("--lead-agency") { Description = "Lead agency kind, e.g. SOCIAL_WORK, POLICE.", Required = true };
        var area = new Option<string>("--area") { Description = "Local authority area, e.g. glasgow.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (personal detail: shown only to roles that may see it)." };
        var requestId = new Option<string?>("--request-id") { Description = "UUID that makes a retried registration return the first result (default: a new one)." };
        var command = new Command("register", "Register a person under MAPPA.") { pnc, category, leadAgency, area, name, requestId };
        run.SetAction(command, async context =>
        {
            var request = new CreateSubjectRequest
            {
                RequestId = context.Value(requestId) ?? Guid.NewGuid().ToString(),
                Identifiers = { new ExternalIdentifier { Type = "PNC", Value = context.Value(pnc)! } },
                Category = EnumWords.Parse<MappaCategory>(context.Value(category)!, "--category"),
                LeadAgency = EnumWords.Parse<AgencyKind>(context.Value(leadAgency)!, "--lead-agency"),
                Area = context.Value(area)!,
                DisplayName = context.Value(name) ?? "",
            };
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(CreateMethod, request);
            if (context.Json)
            {
                Output.WriteJson(context, response);
            }
            else
            {
                context.Console.WriteLine($"Registered subject {response.Subject.SubjectId}.");
                context.Console.Write(Table([response.Subject]));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GetOne(CommandRunner run)
    {
        var id = new Argument<string>("subject-id") { Description = "The subject's id." };
        var command = new Command("get", "Show one subject.") { id };
        run.SetAction(command, async context =>
        {
            using var channel = context.OpenChannel();
            var response = await channel.UnaryAsync<GetSubjectRequest, GetSubjectResponse>(Get, new GetSubjectRequest { SubjectId = context.Value(id)! });
            if (context.Json)
            {
                Output.WriteJson(context, response);
            }
            else
            {
                context.Console.Write(Table([response.Subject]));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListAll(CommandRunner run)
    {
        var area = new Option<string?>("--area") { Description = "Only this area (within your scope)." };
        var pageSize = new Option<int>("--page-size") { Description = "Results per page (server default 50, at most 500)." };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a previous listing." };
        var all = new Option<bool>("--all") { Description = "Follow every page and show them together." };
        var command = new Command("list", "List subjects in your scope, newest first.") { area, pageSize, pageToken, all };
        run.SetAction(command, async (context, cancellationToken) =>
        {
            using var channel = context.OpenChannel();
            var request = new ListSubjectsRequest { Area = context.Value(area) ?? "", PageSize = context.Value(pageSize), PageToken = context.Value(pageToken) ?? "" };
            var combined = new ListSubjectsResponse();
            while (true)
            {
                var page = await channel.UnaryAsync<ListSubjectsRequest, ListSubjectsResponse>(List, request, new Grpc.Client.CallOptions { CancellationToken = cancellationToken });
                combined.Subjects.Add(page.Subjects);
                combined.NextPageToken = page.NextPageToken;
                if (!context.Value(all) || page.NextPageToken.Length == 0)
                {
                    break;
                }
                request.PageToken = page.NextPageToken;
            }
            if (context.Json)
            {
                Output.WriteJson(context, combined);
                return ExitCodes.Ok;
            }
            context.Console.Write(Table(combined.Subjects));
            context.Console.WriteLine($"{combined.Subjects.Count} subject(s).");
            if (combined.NextPageToken.Length > 0)
            {
                context.Console.WriteLine($"More: --page-token {combined.NextPageToken} (or --all).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Table Table(IEnumerable<Subject> subjects)
    {
        var table = Output.Table("Subject", "Identifiers", "Category", "Level", "Lead agency", "Area", "Name", "Registered");
        foreach (var subject in subjects)
        {
            table.AddText(
                subject.SubjectId,
                string.Join(", ", subject.Identifiers.Select(i => $"{i.Type} {i.Value}")),
                EnumWords.Show(subject.Category),
                EnumWords.Show(subject.Level),
                EnumWords.Show(subject.LeadAgency),
                subject.Area,
                subject.DisplayName,
                Output.Show(subject.CreateTime));
        }
        return table;
    }
}
