using Spectre.Console;

namespace Mappa.Cli.Infrastructure;

/// <summary>
/// Everything the commands take from the outside world: writers, environment variables and the home folder.
/// The process passes the real ones; tests pass their own, so commands run in-process side by side.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required Func<string, string?> Variable { get; init; }

    /// <summary>Where ~/.mappa lives.</summary>
    public required string HomeDirectory { get; init; }

    /// <summary>Whether a person is watching (live progress bars) or output goes to a pipe or a test.</summary>
    public bool Interactive { get; init; }

    /// <summary>Width for tables when output is not a terminal.</summary>
    public int Width { get; init; } = 160;

    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Variable = Environment.GetEnvironmentVariable,
        HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Interactive = !Console.IsOutputRedirected,
        Width = Console.IsOutputRedirected ? 160 : Math.Max(80, Console.WindowWidth),
    };

    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return console;
    }
}
