using System.CommandLine;
using System.Text.Json;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts;
using Mappa.Contracts.RiskAssessment.V1;
using Mappa.Grpc;
using Mappa.Grpc.Client;
using Spectre.Console;

namespace Mappa.Cli.Subjects;

/// <summary>`mappa subjects import FILE.csv`: registers a caseload row by row with a progress bar; safe to run again.</summary>
public static class SubjectImportCommand
{
    private static readonly Google.Protobuf.Reflection.MethodDescriptor CreateMethod = MappaServices.Subjects.FindMethodByName("CreateSubject");

    private sealed record RowOutcome(int Line, string? SubjectId, string? Problem, int ExitCode);

    public static Command Create(CommandRunner run)
    {
        var file = new Argument<string>("file") { Description = "CSV with header pnc,category,lead_agency,area[,name]." };
        var command = new Command("import", "Register every subject of a caseload CSV (idempotent: re-running registers nothing twice).") { file };
        run.SetAction(command, async (context, cancellationToken) =>
        {
            var rows = CaseloadCsv.Read(context.Value(file)!);
            using var channel = context.OpenChannel();
            var outcomes = new List<RowOutcome>();

            async Task ImportAsync(Action<int> advanced)
            {
                foreach (var row in rows)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    outcomes.Add(await ImportRowAsync(channel, row, cancellationToken));
                    advanced(outcomes.Count);
                }
            }

            if (context.Json)
            {
                await ImportAsync(_ => { });
            }
            else
            {
                await context.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Importing {rows.Count} row(s)", maxValue: Math.Max(1, rows.Count));
                        await ImportAsync(done => task.Value = done);
                        task.Value = task.MaxValue;
                    });
            }
            return Report(context, outcomes);
        });
        return command;
    }

    private static async Task<RowOutcome> ImportRowAsync(GrpcChannel channel, CaseloadRow row, CancellationToken cancellationToken)
    {
        if (row.Request is null)
        {
            return new RowOutcome(row.LineNumber, null, row.Problem, ExitCodes.InvalidArgument);
        }
        try
        {
            var response = await channel.UnaryAsync<CreateSubjectRequest, CreateSubjectResponse>(
                CreateMethod, row.Request, new CallOptions { CancellationToken = cancellationToken });
            // A row imported before carries the same request id, so the service returns the subject it registered then.
            return new RowOutcome(row.LineNumber, response.Subject.SubjectId, null, ExitCodes.Ok);
        }
        catch (RpcException e) when (e.StatusCode is not (StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unavailable or StatusCode.Cancelled))
        {
            var details = ErrorReport.DetailLines(e.Details).ToList();
            var problem = details.Count > 0 ? $"{e.Detail} ({string.Join("; ", details)})" : e.Detail;
            return new RowOutcome(row.LineNumber, null, problem, ErrorReport.ExitCodeFor(e.StatusCode));
        }
    }

    private static int Report(CommandContext context, List<RowOutcome> outcomes)
    {
        var failed = outcomes.Where(o => o.Problem is not null).ToList();
        var registered = outcomes.Count(o => o.Problem is null);
        if (context.Json)
        {
            context.Environment.Out.WriteLine(JsonSerializer.Serialize(new
            {
                registered,
                failed = failed.Select(f => new { line = f.Line, problem = f.Problem }),
                subjects = outcomes.Where(o => o.SubjectId is not null).Select(o => new { line = o.Line, subjectId = o.SubjectId }),
            }));
        }
        else
        {
            context.Console.WriteLine($"Registered {registered} (rows imported before return their existing subject), failed {failed.Count}.");
            if (failed.Count > 0)
            {
                var table = Output.Table("Line", "Problem");
                foreach (var failure in failed)
                {
                    table.AddText(failure.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Problem);
                }
                context.Console.Write(table);
            }
        }
        // Scripts see the kind of the first failure; a clean run (or a clean re-run) is 0.
        return failed.Count == 0 ? ExitCodes.Ok : failed[0].ExitCode;
    }
}
