using System.Text.Json;

namespace Mappa.Interop.Tests.Infrastructure;

/// <summary>What a peer client case observed: the one JSON object it printed last.</summary>
public sealed class PeerResult
{
    private PeerResult(JsonElement json)
    {
        Json = json;
    }

    public JsonElement Json { get; }

    public string Code => String("code");

    public string String(string property) => Json.GetProperty(property).GetString()
        ?? throw new InvalidOperationException($"'{property}' is null in {Json}");

    public bool Bool(string property) => Json.GetProperty(property).GetBoolean();

    public IReadOnlyList<string> Strings(string property) =>
        [.. Json.GetProperty(property).EnumerateArray().Select(e => e.GetString() ?? "")];

    public IReadOnlyList<int> Ints(string property) =>
        [.. Json.GetProperty(property).EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>Waits for the peer to exit; it must exit 0 and print a JSON object as its last line.</summary>
    public static async Task<PeerResult> FromAsync(PeerProcess peer)
    {
        var exitCode = await peer.WaitForExitAsync();
        Assert.True(exitCode == 0, $"The peer failed with exit code {exitCode}.\n{peer.Report()}");
        var lastLine = peer.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.True(lastLine is not null, $"The peer printed nothing.\n{peer.Report()}");
        try
        {
            return new PeerResult(JsonDocument.Parse(lastLine).RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"The peer's last line is not JSON: {e.Message}\n{peer.Report()}", e);
        }
    }

    public override string ToString() => Json.ToString();
}
