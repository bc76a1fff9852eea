using System.Text.Json;
using Mappa.CaseConference.Features.Conferences;

namespace Mappa.CaseConference.Persistence;

/// <summary>
/// A conference snapshot as stored JSON. Enums are stored as numbers, which match the contract's enum numbers and
/// never change; <see cref="Conference.Restore"/> checks whatever comes back.
/// </summary>
public static class ConferenceSnapshotJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write(Conference conference) => JsonSerializer.Serialize(conference.ToSnapshot(), Options);

    public static Conference Read(string json) =>
        Conference.Restore(JsonSerializer.Deserialize<ConferenceSnapshot>(json, Options)
            ?? throw new InvalidOperationException("A stored conference snapshot is empty."));
}
