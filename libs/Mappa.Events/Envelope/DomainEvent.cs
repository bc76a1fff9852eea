using System.Text.Json.Serialization;

namespace Mappa.Events;

/// <summary>
/// The common envelope of every Mappa domain event: a thin "something changed, go and re-fetch" notice in the
/// spirit of the HMPPS domain-event envelope. Derived records add only ids, dates, codes and enum names —
/// never a person's name or any narrative — because events fan out to partner agencies' systems.
/// </summary>
public abstract record DomainEvent
{
    /// <summary>Stable dotted type name, e.g. <c>mappa.riskassessment.assessment.recorded</c>; also the exchange name.</summary>
    [JsonPropertyOrder(-10)]
    public string EventType => DomainEventTypeAttribute.Of(GetType()).EventType;

    /// <summary>Schema version of this event type; additive changes keep it, breaking ones raise it.</summary>
    [JsonPropertyOrder(-9)]
    public int Version => DomainEventTypeAttribute.Of(GetType()).Version;

    /// <summary>Unique id of this event; it is also the transport message id, so consumers deduplicate on it.</summary>
    [JsonPropertyOrder(-8)]
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    /// <summary>When the change happened in the owning service (UTC).</summary>
    [JsonPropertyOrder(-7)]
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The person the event is about; events for one subject are published in the order they were recorded.</summary>
    [JsonPropertyOrder(-6)]
    public required SubjectReference Subject { get; init; }

    /// <summary>How to fetch the full detail by RPC (subject to the caller's permissions).</summary>
    [JsonPropertyOrder(-5)]
    public required DetailLink Detail { get; init; }

    /// <summary>Small, non-sensitive extras (codes, ids); see <see cref="AdditionalInformationLimits"/>.</summary>
    [JsonPropertyOrder(-4)]
    public IReadOnlyDictionary<string, string> AdditionalInformation { get; init; } = new Dictionary<string, string>();
}

/// <summary>Who an event is about: the suite's subject id plus external identifiers (PNC, prison number, ...).</summary>
public sealed record SubjectReference(string SubjectId, IReadOnlyList<SubjectIdentifier> Identifiers)
{
    /// <summary>A reference by the suite's subject id alone.</summary>
    public static SubjectReference Of(string subjectId) => new(subjectId, []);
}

/// <summary>An external identifier of a subject: <c>Type</c> is the scheme (PNC, PRISON_NUMBER, CHI, ...).</summary>
public sealed record SubjectIdentifier(string Type, string Value);

/// <summary>
/// The RPC that returns the detail: full gRPC method path, the request field that takes the id, and the id.
/// A subscriber calls <c>Method</c> with a request whose <c>IdField</c> is <c>Id</c>.
/// </summary>
public sealed record DetailLink(string Method, string IdField, string Id);

/// <summary>Bounds that keep <see cref="DomainEvent.AdditionalInformation"/> a few codes rather than a payload.</summary>
public static class AdditionalInformationLimits
{
    public const int MaxEntries = 10;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 128;

    /// <summary>Returns a description of the first broken limit, or null when the map is within bounds.</summary>
    public static string? FindViolation(IReadOnlyDictionary<string, string> additionalInformation)
    {
        if (additionalInformation.Count > MaxEntries)
            return $"additionalInformation has {additionalInformation.Count} entries; at most {MaxEntries} are allowed.";
        foreach (var (key, value) in additionalInformation)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength)
                return $"additionalInformation key '{Truncate(key)}' must be 1..{MaxKeyLength} characters.";
            if (value is null || value.Length > MaxValueLength)
                return $"additionalInformation['{Truncate(key)}'] must be at most {MaxValueLength} characters.";
        }
        return null;
    }

    private static string Truncate(string? text) => text is null ? "" : text.Length <= 20 ? text : text[..20] + "…";
}
