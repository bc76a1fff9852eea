using System.CommandLine;
using Mappa.Grpc;

namespace Mappa.Cli.Infrastructure;

/// <summary>
/// Gives every command the same error handling: gRPC statuses and user mistakes become words on stderr and
/// documented exit codes; nothing else escapes as a stack trace.
/// </summary>
public sealed class CommandRunner(GlobalOptions globals, CliEnvironment environment)
{
    public void SetAction(Command command, Func<CommandContext, Task<int>> action) =>
        SetAction(command, (context, _) => action(context));

    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var context = new CommandContext(parseResult, globals, environment);
            try
            {
                return await action(context, cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return Interrupted(context);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Interrupted(context);
            }
            catch (RpcException e)
            {
                return context.Json ? ErrorReport.WriteJson(e, environment.Error) : ErrorReport.Write(e, environment.Error);
            }
            catch (CliException e)
            {
                if (context.Json)
                {
                    return ErrorReport.WriteJson(e.ExitCode, e.Message, environment.Error);
                }
                environment.Error.WriteLine("error: " + e.Message);
                return e.ExitCode;
            }
            catch (Exception e)
            {
                // Unexpected: say what happened in one line; the stack trace helps nobody at a terminal.
                environment.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
                return ExitCodes.Other;
            }
        });

    private static int Interrupted(CommandContext context)
    {
        context.Error.WriteLine("interrupted.");
        return 130;
    }
}
