using System.Diagnostics;

namespace Mappa.Testing;

public static class TestEnvironment
{
    /// <summary>The repository root (the folder holding Mappa.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A python3 with grpcio and grpc_tools, as ./test.sh exports it.</summary>
    public static string Python => Environment.GetEnvironmentVariable("MAPPA_TEST_PYTHON") is { Length: > 0 } python
        ? python
        : throw new InvalidOperationException("MAPPA_TEST_PYTHON is not set: run the tests with ./test.sh, which installs grpcio and sets it.");

    /// <summary>Runs a script from this project's python/ folder and returns its exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunPythonAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "python", script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish in 2 minutes.");
        }
        return (process.ExitCode, await output, await error);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mappa.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The tests must run inside the repository (no Mappa.sln above " + AppContext.BaseDirectory + ").");
    }
}
