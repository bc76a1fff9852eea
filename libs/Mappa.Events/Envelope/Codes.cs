using System.Text.Json.Serialization;

namespace Mappa.Events;

// Enums travel as their proto enum names (e.g. "MAPPA_LEVEL_2") so subscribers that speak the gRPC API
// see the same codes in events; the converter attribute makes this independent of serializer options.

[JsonConverter(typeof(JsonStringEnumConverter<MappaLevel>))]
public enum MappaLevel
{
    [JsonStringEnumMemberName("MAPPA_LEVEL_1")] Level1 = 1,
    [JsonStringEnumMemberName("MAPPA_LEVEL_2")] Level2 = 2,
    [JsonStringEnumMemberName("MAPPA_LEVEL_3")] Level3 = 3,
}

[JsonConverter(typeof(JsonStringEnumConverter<MappaCategory>))]
public enum MappaCategory
{
    [JsonStringEnumMemberName("MAPPA_CATEGORY_1")] Category1 = 1,
    [JsonStringEnumMemberName("MAPPA_CATEGORY_2")] Category2 = 2,
    [JsonStringEnumMemberName("MAPPA_CATEGORY_3")] Category3 = 3,
}

[JsonConverter(typeof(JsonStringEnumConverter<ReviewKind>))]
public enum ReviewKind
{
    [JsonStringEnumMemberName("REVIEW_KIND_ASSESSMENT")] Assessment = 1,
    [JsonStringEnumMemberName("REVIEW_KIND_MAPPA_MEETING")] MappaMeeting = 2,
    [JsonStringEnumMemberName("REVIEW_KIND_COMPLETION_DEADLINE")] CompletionDeadline = 3,
    [JsonStringEnumMemberName("REVIEW_KIND_PLAN_ACTION")] PlanAction = 4,
}

[JsonConverter(typeof(JsonStringEnumConverter<RiskInstrument>))]
public enum RiskInstrument
{
    [JsonStringEnumMemberName("LS_CMI")] LsCmi = 1,
    [JsonStringEnumMemberName("LSI_R_SV")] LsiRSv = 2,
    [JsonStringEnumMemberName("RISK_MATRIX_2000")] RiskMatrix2000 = 3,
    [JsonStringEnumMemberName("STABLE_2007")] Stable2007 = 4,
    [JsonStringEnumMemberName("ACUTE_2007")] Acute2007 = 5,
    [JsonStringEnumMemberName("ROSH")] Rosh = 6,
}
