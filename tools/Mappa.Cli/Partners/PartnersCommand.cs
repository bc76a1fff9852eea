using System.CommandLine;
using Mappa.Cli.Infrastructure;
using Mappa.Partners;

namespace Mappa.Cli.Partners;

/// <summary>`mappa partners`: partner agencies' event subscriptions on RabbitMQ (deploy/partners.yaml).</summary>
public static class PartnersCommand
{
    public static Command Create(CommandRunner run)
    {
        var partners = new Command("partners", "Partner agencies' event subscriptions on RabbitMQ (deploy/partners.yaml).");
        partners.Subcommands.Add(Provision(run));
        partners.Subcommands.Add(Show(run));
        return partners;
    }

    private static Option<string> ConfigOption() => new("--config")
    {
        Description = "The partner configuration (default deploy/partners.yaml).",
        DefaultValueFactory = _ => Path.Combine("deploy", "partners.yaml"),
    };

    private static Command Provision(CommandRunner run)
    {
        var config = ConfigOption();
        var management = new Option<string?>("--management")
        {
            Description = "RabbitMQ management API, e.g. http://admin:secret@rabbit:15672 (default $MAPPA_RABBITMQ_MANAGEMENT; " +
                          "credentials may instead come from $MAPPA_RABBITMQ_MANAGEMENT_USERNAME and _PASSWORD).",
        };
        var vhost = new Option<string>("--vhost") { Description = "Virtual host (default /).", DefaultValueFactory = _ => "/" };
        var passwordDir = new Option<string?>("--password-dir")
        {
            Description = "Folder with one file per agency, named after it, holding its password (else $MAPPA_PARTNER_PASSWORD_<AGENCY>).",
        };
        var userPrefix = new Option<string>("--user-prefix")
        {
            Description = "RabbitMQ user name prefix (default mappa-partner-).",
            DefaultValueFactory = _ => "mappa-partner-",
        };
        var command = new Command("provision",
            "Create or update each agency's exchange, queue, dead-letter queue, user and permissions; idempotent, prints what it changed.")
        {
            config, management, vhost, passwordDir, userPrefix,
        };
        run.SetAction(command, async (context, ct) =>
        {
            var configuration = LoadConfiguration(context.Value(config)!);
            var address = context.Value(management) ?? context.Environment.Variable("MAPPA_RABBITMQ_MANAGEMENT");
            if (string.IsNullOrWhiteSpace(address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new CliException(ExitCodes.Usage, "partners provision: give --management http://HOST:15672 (or set MAPPA_RABBITMQ_MANAGEMENT).");
            var username = context.Environment.Variable("MAPPA_RABBITMQ_MANAGEMENT_USERNAME");
            var password = context.Environment.Variable("MAPPA_RABBITMQ_MANAGEMENT_PASSWORD");
            var directory = context.Value(passwordDir);

            using var broker = new RabbitMqManagementClient(uri, context.Value(vhost)!,
                string.IsNullOrEmpty(username) ? null : username, password);
            var provisioner = new PartnerProvisioner(broker, new PartnerProvisioningOptions
            {
                UserPrefix = context.Value(userPrefix)!,
                Password = agency => ReadPassword(context.Environment, directory, agency),
            });
            ProvisioningResult result;
            try
            {
                result = await provisioner.ProvisionAsync(configuration, ct);
            }
            catch (PartnerProvisioningException e)
            {
                throw new CliException(ExitCodes.Conflict, e.Message);
            }
            catch (RabbitMqManagementException e)
            {
                throw new CliException(e.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden
                    ? ExitCodes.PermissionOrAuthentication : ExitCodes.Other, e.Message);
            }
            catch (HttpRequestException e)
            {
                throw new CliException(ExitCodes.Unavailable, $"cannot reach the management API at {uri.GetLeftPart(UriPartial.Authority).Replace(uri.UserInfo + "@", "")}: {e.Message}");
            }

            var output = context.Environment.Out;
            foreach (var change in result.Changes) output.WriteLine(change);
            foreach (var note in result.Notes) output.WriteLine("note: " + note);
            output.WriteLine(result.Changes.Count == 0
                ? $"Nothing to change: {configuration.Agencies.Count} agencies already match on '{broker.VirtualHost}'."
                : $"{result.Changes.Count} changes for {configuration.Agencies.Count} agencies on '{broker.VirtualHost}'.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CommandRunner run)
    {
        var config = ConfigOption();
        var command = new Command("show", "Check the configuration and print who receives which event types in which areas.") { config };
        run.SetAction(command, context =>
        {
            var configuration = LoadConfiguration(context.Value(config)!);
            var output = context.Environment.Out;
            foreach (var agency in configuration.Agencies)
            {
                output.WriteLine($"{agency.Name} ({agency.Kind.Name}); areas: {(agency.AllAreas ? "all" : string.Join(", ", agency.Areas))}; " +
                                 $"queue {PartnerTopology.Queue(agency.Name)}");
                foreach (var eventType in agency.Kind.Events) output.WriteLine("  " + eventType);
                foreach (var unreachable in agency.UnreachableEvents)
                    output.WriteLine($"  note: {unreachable} carries no area, so this agency never receives it.");
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static PartnerConfiguration LoadConfiguration(string path)
    {
        try
        {
            return PartnerConfiguration.Load(path);
        }
        catch (PartnerConfigurationException e)
        {
            throw new CliException(ExitCodes.InvalidArgument, e.Message);
        }
    }

    private static string? ReadPassword(CliEnvironment environment, string? directory, string agency)
    {
        if (directory is not null)
        {
            var file = Path.Combine(directory, agency);
            if (File.Exists(file)) return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        return environment.Variable(PartnerProvisioner.PasswordVariable(agency)) is { Length: > 0 } value ? value : null;
    }
}
