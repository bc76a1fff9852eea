namespace Mappa.Cli.Infrastructure;

/// <summary>A problem the user can fix (bad file, missing token): its message is shown as is, with its exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
