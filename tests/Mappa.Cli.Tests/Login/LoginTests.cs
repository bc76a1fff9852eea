using Mappa.Security;
using Mappa.Testing;

namespace Mappa.Cli.Tests.Login;

public sealed class LoginTests(RunningSuite suite) : IClassFixture<RunningSuite>
{
    [Fact]
    public async Task Dev_login_stores_an_owner_only_token_that_later_commands_send()
    {
        using var cli = new CliRunner(suite);

        var login = await cli.RunAsync("login", "--dev", "--data-directory", suite.DataDirectory, "--role", Role.Assessor, "--area", "glasgow");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("roles assessor", login.Out);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.TokenPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(cli.TokenPath)!));
        }
        var list = await cli.RunAsync("subjects", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
    }

    [Fact]
    public async Task Without_any_token_a_command_fails_with_exit_5_and_says_how_to_log_in()
    {
        using var cli = new CliRunner(suite);

        var result = await cli.RunAsync("subjects", "list");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("no token", result.Error);
        Assert.Contains("mappa login", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task A_token_the_server_does_not_accept_answers_unauthenticated_with_exit_5()
    {
        using var cli = new CliRunner(suite);
        var foreign = cli.WriteFile("foreign.jwt", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");

        var login = await cli.RunAsync("login", "--token-file", foreign);
        var result = await cli.RunAsync("subjects", "list");

        Assert.Equal(0, login.ExitCode);
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("UNAUTHENTICATED", result.Error);
    }

    [Fact]
    public async Task A_token_file_without_a_jwt_is_refused_as_invalid_input()
    {
        using var cli = new CliRunner(suite);
        var notAToken = cli.WriteFile("token.txt", "hello");

        var result = await cli.RunAsync("login", "--token-file", notAToken);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("does not hold a JWT", result.Error);
        Assert.False(File.Exists(cli.TokenPath));
    }

    [Fact]
    public async Task The_environment_token_wins_over_the_stored_one_and_the_option_over_both()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);
        cli.With("MAPPA_TOKEN", "not.a-valid.token");

        var fromEnvironment = await cli.RunAsync("subjects", "list");
        var fromOption = await cli.RunAsync("subjects", "list", "--token", suite.Token(Role.Assessor));

        Assert.Equal(5, fromEnvironment.ExitCode);
        Assert.True(fromOption.ExitCode == 0, fromOption.ToString());
    }

    [Fact]
    public async Task Logout_deletes_the_stored_token()
    {
        using var cli = new CliRunner(suite);
        await cli.LoginAsync(Role.Assessor);

        var logout = await cli.RunAsync("logout");

        Assert.Equal(0, logout.ExitCode);
        Assert.False(File.Exists(cli.TokenPath));
    }

    [Fact]
    public async Task An_unknown_role_for_a_dev_token_is_a_usage_error()
    {
        using var cli = new CliRunner(suite);

        var result = await cli.RunAsync("login", "--dev", "--data-directory", suite.DataDirectory, "--role", "wizard");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("wizard", result.Error);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_exit_2()
    {
        using var cli = new CliRunner(suite);

        var result = await cli.RunAsync("subjects", "list", "--colour", "blue");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--colour", result.Error);
    }

    [Fact]
    public async Task Nothing_listening_at_the_address_answers_unavailable_with_exit_6()
    {
        using var cli = new CliRunner(suite);
        var closedPort = System.Net.Sockets.TcpListener.Create(0);
        closedPort.Start();
        var port = ((System.Net.IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();

        var result = await cli.RunAsync("subjects", "list", "--address", $"http://127.0.0.1:{port}", "--token", suite.Token(Role.Assessor));

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("UNAVAILABLE", result.Error);
    }
}
