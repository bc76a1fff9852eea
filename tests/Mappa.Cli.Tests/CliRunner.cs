using Mappa.Cli;
using Mappa.Cli.Infrastructure;
using Mappa.Testing;

namespace Mappa.Cli.Tests;

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs `mappa` in-process against a running suite, as a user would in a shell: its own home folder (for
/// ~/.mappa/token), MAPPA_ADDRESS pointing at the suite, and whatever else a test sets.
/// </summary>
public sealed class CliRunner : IDisposable
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public CliRunner(RunningSuite suite)
    {
        Suite = suite;
        _variables["MAPPA_ADDRESS"] = suite.Address.ToString();
        Directory.CreateDirectory(Home);
    }

    public RunningSuite Suite { get; }

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "mappa-cli-home-" + Guid.NewGuid().ToString("N"));

    public string TokenPath => Path.Combine(Home, ".mappa", "token");

    public CliRunner With(string name, string value)
    {
        _variables[name] = value;
        return this;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public async Task<CliResult> RunAsync(string[] args, CancellationToken cancellationToken, StringWriter? output = null, StringWriter? error = null)
    {
        output ??= new StringWriter();
        error ??= new StringWriter();
        var environment = new CliEnvironment
        {
            Out = TextWriter.Synchronized(output),
            Error = TextWriter.Synchronized(error),
            Variable = name => _variables.GetValueOrDefault(name),
            HomeDirectory = Home,
            Interactive = false,
            Width = 240,
        };
        var exitCode = await MappaCli.RunAsync(args, environment, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Stores a development token for <paramref name="role"/> the way a user would, with `mappa login --dev`.</summary>
    public async Task LoginAsync(string role, string area = "glasgow")
    {
        var result = await RunAsync("login", "--dev", "--data-directory", Suite.DataDirectory, "--role", role, "--area", area);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Home, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
