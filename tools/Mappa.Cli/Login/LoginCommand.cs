using System.CommandLine;
using Mappa.Cli.Infrastructure;
using Mappa.Suite;
using Spectre.Console;

namespace Mappa.Cli.Login;

/// <summary>`mappa login` and `mappa logout`: keep one bearer token in ~/.mappa/token.</summary>
public static class LoginCommand
{
    public static Command Login(CommandRunner run)
    {
        var tokenFile = new Option<string?>("--token-file") { Description = "Store the token held in this file (from your identity provider)." };
        var dev = new Option<bool>("--dev") { Description = "Issue a development token for the local embedded suite (its development key)." };
        var roles = new Option<string[]>("--role") { Description = "Development token: a role (repeatable; default mappa-coordinator).", AllowMultipleArgumentsPerToken = false };
        var areas = new Option<string[]>("--area") { Description = "Development token: an area in scope (repeatable; default glasgow)." };
        var agency = new Option<string?>("--agency") { Description = "Development token: the agency's name." };
        var agencyKind = new Option<string?>("--agency-kind") { Description = "Development token: the agency kind, e.g. SOCIAL_WORK." };
        var subject = new Option<string?>("--subject") { Description = "Development token: the user id." };
        var hours = new Option<double?>("--hours") { Description = "Development token: lifetime in hours (default 8)." };
        var dataDirectory = new Option<string?>("--data-directory")
        {
            Description = "Development token: the embedded suite's data directory, whose keys/ sign the token (default $MAPPA_DATA_DIRECTORY, else ~/.mappa/suite).",
        };
        var command = new Command("login", "Store a bearer token in ~/.mappa/token for later commands.")
        {
            tokenFile, dev, roles, areas, agency, agencyKind, subject, hours, dataDirectory,
        };
        run.SetAction(command, context =>
        {
            var useDev = context.Value(dev);
            var file = context.Value(tokenFile);
            if (useDev == (file is not null))
            {
                throw new CliException(ExitCodes.Usage, "login: give exactly one of --dev or --token-file FILE.");
            }
            var token = useDev
                ? IssueDevelopmentToken(context, context.Value(roles), context.Value(areas), context.Value(agency), context.Value(agencyKind),
                    context.Value(subject), context.Value(hours), context.Value(dataDirectory))
                : TokenStore.ReadTokenFile(file!);
            var store = context.Tokens;
            store.Save(token);
            var claims = TokenClaims.TryRead(token);
            context.Console.WriteLine($"Token stored in {store.TokenPath} (readable by you only).");
            if (claims is not null)
            {
                context.Console.WriteLine($"User {claims.Subject}; roles {string.Join(", ", claims.Roles)}; areas {string.Join(", ", claims.Areas)}; " +
                    (claims.Expires is { } expires ? $"expires {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC." : "no expiry."));
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    public static Command Logout(CommandRunner run)
    {
        var command = new Command("logout", "Delete the stored token (~/.mappa/token).");
        run.SetAction(command, context =>
        {
            var store = context.Tokens;
            context.Console.WriteLine(store.Delete() ? $"Deleted {store.TokenPath}." : "No stored token.");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>The suite's own `token` command does the work, so the CLI and the host can never disagree on keys or claims.</summary>
    private static string IssueDevelopmentToken(
        CommandContext context, string[]? roles, string[]? areas, string? agency, string? agencyKind, string? subject, double? hours, string? dataDirectory)
    {
        var args = new List<string>();
        foreach (var role in roles ?? [])
        {
            args.AddRange(["--role", role]);
        }
        foreach (var area in areas ?? [])
        {
            args.AddRange(["--area", area]);
        }
        AddIfSet(args, "--agency", agency);
        AddIfSet(args, "--agency-kind", agencyKind);
        AddIfSet(args, "--subject", subject);
        AddIfSet(args, "--hours", hours?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var directory = dataDirectory is { Length: > 0 }
            ? Path.GetFullPath(dataDirectory)
            : SuiteHost.DefaultDataDirectory(context.Environment.Variable, context.Environment.HomeDirectory);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = TokenCommand.Run(args.ToArray(), directory, output, error);
        if (exitCode != 0)
        {
            // The host's own usage text names its `token` command; the first line is the problem itself.
            var problem = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "refused";
            throw new CliException(ExitCodes.Usage, $"login --dev: {problem} See `mappa login --help`.");
        }
        return output.ToString().Trim();
    }

    private static void AddIfSet(List<string> args, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            args.AddRange([name, value]);
        }
    }
}
