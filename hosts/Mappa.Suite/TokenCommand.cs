using Mappa.Security;
using Mappa.Security.Development;

namespace Mappa.Suite;

/// <summary>
/// `token`: prints a development token the embedded suite accepts, for trying the API by hand.
/// Usage: token [--role R]... [--area A]... [--agency NAME] [--agency-kind KIND] [--subject ID] [--hours N]
/// </summary>
public static class TokenCommand
{
    public const string Usage =
        "usage: token [--role ROLE]... [--area AREA]... [--agency NAME] [--agency-kind KIND] [--subject ID] [--hours N]\n" +
        "  roles: mappa-coordinator, assessor, police-officer, partner-reader, manager, auditor, system\n" +
        "  default: --role mappa-coordinator --area glasgow --agency glasgow-cjsw --agency-kind SOCIAL_WORK --hours 8";

    public static int Run(string[] args, string dataDirectory, TextWriter output, TextWriter error)
    {
        var roles = new List<string>();
        var areas = new List<string>();
        var agency = "glasgow-cjsw";
        var agencyKind = "SOCIAL_WORK";
        var subject = Environment.UserName is { Length: > 0 } user ? $"local-{user}" : "local-user";
        var hours = 8.0;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--role": roles.Add(Value()); break;
                    case "--area": areas.Add(Value()); break;
                    case "--agency": agency = Value(); break;
                    case "--agency-kind": agencyKind = Value(); break;
                    case "--subject": subject = Value(); break;
                    case "--hours": hours = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "-h" or "--help": output.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                error.WriteLine(e.Message);
                error.WriteLine(Usage);
                return 2;
            }
        }
        if (roles.Count == 0)
        {
            roles.Add(Role.MappaCoordinator);
        }
        var unknownRoles = roles.Where(r => !RolePermissions.Table.ContainsKey(r)).ToList();
        if (unknownRoles.Count > 0)
        {
            error.WriteLine($"Unknown role(s): {string.Join(", ", unknownRoles)}.");
            error.WriteLine(Usage);
            return 2;
        }
        if (areas.Count == 0)
        {
            areas.Add("glasgow");
        }

        var defaults = SuiteHost.Defaults(dataDirectory);
        var issuer = new DevelopmentTokenIssuer(
            DevelopmentKeys.LoadOrCreate(defaults["Mappa:Auth:DevelopmentKeyDirectory"]),
            SuiteHost.DefaultIssuer,
            SuiteHost.DefaultAudience);
        output.WriteLine(issuer.Issue(new DevelopmentTokenRequest(subject, agency, agencyKind, areas, roles)
        {
            Lifetime = TimeSpan.FromHours(hours),
        }));
        return 0;
    }
}
