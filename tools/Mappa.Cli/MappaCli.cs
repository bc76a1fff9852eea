using System.CommandLine;
using Mappa.Cli.Assessments;
using Mappa.Cli.Compliance;
using Mappa.Cli.Conferences;
using Mappa.Cli.Infrastructure;
using Mappa.Cli.Login;
using Mappa.Cli.Partners;
using Mappa.Cli.Reviews;
using Mappa.Cli.Subjects;

namespace Mappa.Cli;

/// <summary>The `mappa` command line: builds the command tree and runs one invocation.</summary>
public static class MappaCli
{
    /// <summary>
    /// Runs <paramref name="args"/> and returns the exit code. <paramref name="cancellationToken"/> is Ctrl-C: the process
    /// wires its signals to it (Program.cs), tests cancel it themselves.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = Build(environment);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                environment.Error.WriteLine("error: " + error.Message);
            }
            environment.Error.WriteLine("Run `mappa --help` (or `mappa COMMAND --help`) for usage.");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Program.cs owns Ctrl-C/SIGTERM and passes them in as cancellationToken, so in-process callers get the same behaviour.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    public static RootCommand Build(CliEnvironment environment)
    {
        var globals = new GlobalOptions();
        var run = new CommandRunner(globals, environment);
        var root = new RootCommand("mappa: command-line client for the MAPPA risk-assessment suite (coordinators and operators).");
        globals.AddTo(root);
        root.Subcommands.Add(LoginCommand.Login(run));
        root.Subcommands.Add(LoginCommand.Logout(run));
        root.Subcommands.Add(SubjectsCommand.Create(run));
        root.Subcommands.Add(AssessmentsCommand.Create(run));
        root.Subcommands.Add(ReviewsCommand.Create(run));
        root.Subcommands.Add(ConferencesCommand.Create(run));
        root.Subcommands.Add(ComplianceCommand.Create(run));
        root.Subcommands.Add(PartnersCommand.Create(run));
        return root;
    }
}
