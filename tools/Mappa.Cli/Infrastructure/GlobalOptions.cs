using System.CommandLine;

namespace Mappa.Cli.Infrastructure;

/// <summary>Options every command accepts (recursive on the root command).</summary>
public sealed class GlobalOptions
{
    public const string DefaultAddress = "http://127.0.0.1:5100";

    public Option<string?> Address { get; } = new("--address")
    {
        Description = $"The suite's gRPC address (default: $MAPPA_ADDRESS, else {DefaultAddress}).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token for this call (default: $MAPPA_TOKEN, else $MAPPA_TOKEN_FILE, else ~/.mappa/token).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write protobuf JSON for scripts instead of tables.",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Address);
        root.Options.Add(Token);
        root.Options.Add(Json);
    }
}
