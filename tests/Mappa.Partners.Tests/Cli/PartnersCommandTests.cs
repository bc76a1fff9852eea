using Mappa.Cli;
using Mappa.Cli.Infrastructure;
using Mappa.Partners.Tests.Infrastructure;
using Mappa.Partners.Tests.Subscriptions;

namespace Mappa.Partners.Tests.Cli;

/// <summary>`mappa partners provision` and `mappa partners show`, run in-process against the real broker.</summary>
public sealed class PartnersCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mappa-partners-cli-").FullName;

    [Fact]
    public async Task Provision_prints_each_change_then_nothing_to_change_when_run_again()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        var config = WriteFile("partners.yaml", TestPartners.Yaml);
        var passwords = Directory.CreateDirectory(Path.Combine(_folder, "passwords")).FullName;
        foreach (var agency in new[] { TestPartners.Police, TestPartners.Glasgow, TestPartners.Edinburgh })
            File.WriteAllText(Path.Combine(passwords, agency), broker.Password(agency) + "\n");
        string[] args =
        [
            "partners", "provision", "--config", config, "--management", PartnerBroker.ManagementUri.ToString(),
            "--vhost", broker.VirtualHost, "--password-dir", passwords, "--user-prefix", broker.UserPrefix,
        ];

        var first = await RunAsync(args);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("glasgow: bound mappa.scheduling.review.due -> mappa.partner.glasgow", first.Out);
        Assert.Contains($"glasgow: created user {broker.UserName("glasgow")} (no management access)", first.Out);
        Assert.EndsWith($"changes for 3 agencies on '{broker.VirtualHost}'.", first.Out.TrimEnd());

        var second = await RunAsync(args);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal($"Nothing to change: 3 agencies already match on '{broker.VirtualHost}'.", second.Out.TrimEnd());

        // The password file is really what the agency's user now has.
        await using var connection = await broker.ConnectAsAgencyAsync(TestPartners.Glasgow);
        await using var channel = await connection.CreateChannelAsync();
        await Queues.DrainAsync(channel, PartnerTopology.Queue(TestPartners.Glasgow), 0);
    }

    [Fact]
    public async Task Provision_without_a_password_for_a_new_agency_says_where_to_put_one()
    {
        await using var broker = await PartnerBroker.CreateAsync();
        var result = await RunAsync(
        [
            "partners", "provision", "--config", WriteFile("partners.yaml", TestPartners.Yaml), "--management", PartnerBroker.ManagementUri.ToString(),
            "--vhost", broker.VirtualHost, "--user-prefix", broker.UserPrefix,
        ]);
        Assert.Equal(ExitCodes.Conflict, result.ExitCode);
        Assert.Contains($"error: no password for new user {broker.UserName("police-scotland")}: set MAPPA_PARTNER_PASSWORD_POLICE_SCOTLAND", result.Error);
    }

    [Fact]
    public async Task A_wrong_configuration_is_refused_before_the_broker_is_touched()
    {
        var result = await RunAsync(["partners", "provision", "--config", WriteFile("bad.yaml", "kinds: {}\nagencies: []\nx: ["), "--management", "http://127.0.0.1:1"]);
        Assert.Equal(ExitCodes.InvalidArgument, result.ExitCode);
        Assert.Contains("not valid YAML", result.Error);

        var missing = await RunAsync(["partners", "provision", "--config", WriteFile("partners.yaml", TestPartners.Yaml)]);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("give --management", missing.Error);
    }

    [Fact]
    public async Task Show_lists_each_agency_with_its_areas_queue_and_event_types()
    {
        var result = await RunAsync(["partners", "show", "--config", RepositoryFiles.Path("deploy", "partners.yaml")]);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("glasgow (local-authority); areas: glasgow; queue mappa.partner.glasgow.events", result.Out);
        Assert.Contains("police-scotland (police); areas: all; queue mappa.partner.police-scotland.events", result.Out);
    }

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(int ExitCode, string Out, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            Variable = _ => null,
            HomeDirectory = _folder,
        };
        var exitCode = await MappaCli.RunAsync(args, environment);
        return (exitCode, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
