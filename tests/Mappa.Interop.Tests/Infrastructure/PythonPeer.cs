namespace Mappa.Interop.Tests.Infrastructure;

/// <summary>Runs the Python grpcio peers in python/ with $MAPPA_TEST_PYTHON.</summary>
public static class PythonPeer
{
    private static readonly Lazy<Task<string>> Generated = new(GenerateModulesAsync);

    private static string Script(string name) => Path.Combine(TestEnvironment.TestProjectDirectory, "python", name);

    /// <summary>Starts a client case against <paramref name="target"/> (host:port); see python/client.py.</summary>
    public static async Task<PeerProcess> StartClientAsync(string caseName, string target, int size = 0, string callId = "")
    {
        var generated = await Generated.Value;
        return PeerProcess.Start(TestEnvironment.Python,
            [Script("client.py"), "--gen", generated, "--target", target, "--size", size.ToString(), "--call-id", callId, caseName]);
    }

    /// <summary>Runs a client case to completion and returns what it observed.</summary>
    public static async Task<PeerResult> RunClientAsync(string caseName, string target, int size = 0, string callId = "")
    {
        await using var client = await StartClientAsync(caseName, target, size, callId);
        return await PeerResult.FromAsync(client);
    }

    /// <summary>Starts python/server.py on <paramref name="port"/> (0 for any) without waiting for it.</summary>
    public static async Task<PeerProcess> StartServerAsync(int port)
    {
        var generated = await Generated.Value;
        return PeerProcess.Start(TestEnvironment.Python, [Script("server.py"), "--gen", generated, "--port", port.ToString()]);
    }

    /// <summary>Waits until a started server accepts calls and returns its port.</summary>
    public static async Task<int> WaitUntilListeningAsync(PeerProcess server)
    {
        var line = await server.WaitForLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal));
        return int.Parse(line["listening ".Length..]);
    }

    // The peers import modules generated from the same .proto files the C# side compiles, once per test run,
    // into the test output folder (regenerated each run, cleaned with the build).
    private static async Task<string> GenerateModulesAsync()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "python-generated");
        await using var protoc = PeerProcess.Start(TestEnvironment.Python, [Script("protogen.py"), output]);
        var exitCode = await protoc.WaitForExitAsync();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Generating the Python modules failed.\n{protoc.Report()}");
        }
        return output;
    }
}
