using System.CommandLine;
using Mappa.Cli.Login;
using Mappa.Grpc.Client;
using Spectre.Console;

namespace Mappa.Cli.Infrastructure;

/// <summary>One command's view of its invocation: parsed values, output, and a channel to the suite.</summary>
public sealed class CommandContext(ParseResult parseResult, GlobalOptions globals, CliEnvironment environment)
{
    private IAnsiConsole? _console;

    public ParseResult Parse { get; } = parseResult;

    public CliEnvironment Environment { get; } = environment;

    public bool Json => Parse.GetValue(globals.Json);

    public IAnsiConsole Console => _console ??= Environment.CreateConsole();

    public TextWriter Error => Environment.Error;

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    public TokenStore Tokens => new(Environment.HomeDirectory);

    public Uri Address
    {
        get
        {
            var text = Parse.GetValue(globals.Address) ?? NonEmpty(Environment.Variable("MAPPA_ADDRESS")) ?? GlobalOptions.DefaultAddress;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || (address.Scheme != "http" && address.Scheme != "https"))
            {
                throw new CliException(ExitCodes.Usage, $"--address: '{text}' is not an http:// or https:// address.");
            }
            return address;
        }
    }

    /// <summary>The token in order of precedence: --token, $MAPPA_TOKEN, the file named by $MAPPA_TOKEN_FILE, ~/.mappa/token.</summary>
    public string ResolveToken()
    {
        if (NonEmpty(Parse.GetValue(globals.Token)) is { } explicitToken)
        {
            return explicitToken;
        }
        if (NonEmpty(Environment.Variable("MAPPA_TOKEN")) is { } environmentToken)
        {
            return environmentToken.Trim();
        }
        if (NonEmpty(Environment.Variable("MAPPA_TOKEN_FILE")) is { } tokenFile)
        {
            return TokenStore.ReadTokenFile(tokenFile);
        }
        return Tokens.Read() ?? throw new CliException(
            ExitCodes.PermissionOrAuthentication,
            "no token: pass --token, set MAPPA_TOKEN, or run `mappa login --dev` (local embedded suite) or `mappa login --token-file FILE`.");
    }

    /// <summary>A channel that sends the resolved token; no retries beyond the client's UNAVAILABLE policy.</summary>
    public GrpcChannel OpenChannel()
    {
        var token = ResolveToken();
        return new GrpcChannel(Address, new GrpcChannelOptions
        {
            BearerTokenProvider = _ => ValueTask.FromResult<string?>(token),
            UserAgent = "mappa-cli/1.0",
        });
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
