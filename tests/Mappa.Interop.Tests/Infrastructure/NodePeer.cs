namespace Mappa.Interop.Tests.Infrastructure;

/// <summary>Runs the Node @grpc/grpc-js peers in node/ with the packages in $MAPPA_TEST_NODE_MODULES.</summary>
public static class NodePeer
{
    public static string NodeExecutable => Environment.GetEnvironmentVariable("MAPPA_TEST_NODE") is { Length: > 0 } node ? node : "node";

    public static async Task<PeerResult> RunClientAsync(string caseName, string target)
    {
        await using var client = PeerProcess.Start(NodeExecutable,
            [Path.Combine(TestEnvironment.TestProjectDirectory, "node", "client.js"), target, caseName],
            new Dictionary<string, string> { ["MAPPA_TEST_NODE_MODULES"] = TestEnvironment.NodeModules });
        return await PeerResult.FromAsync(client);
    }
}
