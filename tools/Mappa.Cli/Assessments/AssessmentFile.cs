using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts.RiskAssessment.V1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mappa.Cli.Assessments;

/// <summary>
/// An assessment file: the RecordAssessmentRequest in protobuf JSON (or the same shape in YAML), with two
/// conveniences: dates may be written "2026-11-01", and the instrument may be left out (it follows from scores).
/// Without a request id, one is derived from the file's content, so recording the same file twice records once.
/// </summary>
public static class AssessmentFile
{
    public static RecordAssessmentRequest Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"cannot read '{path}': {e.Message}");
        }
        var yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        JsonNode? document;
        try
        {
            document = yaml ? YamlToJson(text) : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or YamlException)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' is not valid {(yaml ? "YAML" : "JSON")}: {e.Message}");
        }
        if (document is not JsonObject root)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' must hold one object (subjectId, scores, assessedDate, assessorId, agency, ...).");
        }
        WriteDatesAsMessages(root);
        RecordAssessmentRequest request;
        try
        {
            request = JsonParser.Default.Parse<RecordAssessmentRequest>(root.ToJsonString());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' does not match the RecordAssessment request: {e.Message}");
        }
        catch (InvalidJsonException e)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' does not match the RecordAssessment request: {e.Message}");
        }
        if (request.Instrument == Instrument.Unspecified && request.Scores is not null)
        {
            request.Instrument = InstrumentOf(request.Scores.InstrumentCase);
        }
        return request;
    }

    /// <summary>Derived from the request as it will be sent (its meaning, not the file's spelling).</summary>
    public static string RequestIdFor(IMessage request)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(request.ToByteArray()).AsSpan(0, 16).ToArray();
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true).ToString();
    }

    private static Instrument InstrumentOf(InstrumentScores.InstrumentOneofCase scores) => scores switch
    {
        InstrumentScores.InstrumentOneofCase.LsCmi => Instrument.LsCmi,
        InstrumentScores.InstrumentOneofCase.LsiRSv => Instrument.LsiRSv,
        InstrumentScores.InstrumentOneofCase.RiskMatrix2000 => Instrument.RiskMatrix2000,
        InstrumentScores.InstrumentOneofCase.Stable2007 => Instrument.Stable2007,
        InstrumentScores.InstrumentOneofCase.Acute2007 => Instrument.Acute2007,
        InstrumentScores.InstrumentOneofCase.Rosh => Instrument.Rosh,
        _ => Instrument.Unspecified,
    };

    /// <summary>"assessedDate": "2026-11-01" becomes {"year":2026,"month":11,"day":1} (google.type.Date).</summary>
    private static void WriteDatesAsMessages(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name.Contains("date", StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<string>(out var text)
                        && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        obj[name] = new JsonObject { ["year"] = date.Year, ["month"] = date.Month, ["day"] = date.Day };
                    }
                    else if (value is not null)
                    {
                        WriteDatesAsMessages(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        WriteDatesAsMessages(item);
                    }
                }
                break;
        }
    }

    /// <summary>YAML to JSON: plain scalars that read as numbers, booleans or null become those; quoted ones stay strings.</summary>
    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonNode? Plain(string? value)
    {
        if (value is null or "" or "~" or "null")
        {
            return null;
        }
        if (value is "true" or "false")
        {
            return JsonValue.Create(value == "true");
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }
}
