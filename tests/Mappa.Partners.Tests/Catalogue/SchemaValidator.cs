using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mappa.Partners.Tests.Catalogue;

/// <summary>
/// Checks a JSON value against a schema using the keywords the catalogue's schemas use (type, const, enum, format
/// uuid/date/date-time, properties, required, additionalProperties, items, maxProperties, maxLength, anyOf).
/// An unknown keyword is an error, so a schema can never silently say more than is checked.
/// </summary>
public static class SchemaValidator
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description"];

    public static IReadOnlyList<string> Validate(JsonNode schema, JsonElement value)
    {
        var errors = new List<string>();
        Check((JsonObject)schema, value, "$", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var (keyword, argument) in schema)
        {
            switch (keyword)
            {
                case var k when Annotations.Contains(k):
                    break;
                case "type":
                    if (!HasType(value, argument!.GetValue<string>())) errors.Add($"{path}: expected {argument}, got {value.ValueKind}");
                    break;
                case "const":
                    if (!JsonNode.DeepEquals(JsonNode.Parse(value.GetRawText()), argument)) errors.Add($"{path}: expected {argument!.ToJsonString()}, got {value.GetRawText()}");
                    break;
                case "enum":
                    if (!argument!.AsArray().Any(option => JsonNode.DeepEquals(JsonNode.Parse(value.GetRawText()), option)))
                        errors.Add($"{path}: {value.GetRawText()} is not one of {argument.ToJsonString()}");
                    break;
                case "format":
                    if (value.ValueKind == JsonValueKind.String && !HasFormat(value.GetString()!, argument!.GetValue<string>()))
                        errors.Add($"{path}: '{value.GetString()}' is not a {argument}");
                    break;
                case "maxLength":
                    if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > argument!.GetValue<int>())
                        errors.Add($"{path}: longer than {argument}");
                    break;
                case "maxProperties":
                    if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Count() > argument!.GetValue<int>())
                        errors.Add($"{path}: more than {argument} properties");
                    break;
                case "required":
                    if (value.ValueKind == JsonValueKind.Object)
                        foreach (var name in argument!.AsArray().Select(n => n!.GetValue<string>()))
                            if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: missing required property '{name}'");
                    break;
                case "properties":
                    if (value.ValueKind == JsonValueKind.Object)
                        foreach (var (name, propertySchema) in argument!.AsObject())
                            if (value.TryGetProperty(name, out var propertyValue)) Check(propertySchema!.AsObject(), propertyValue, $"{path}.{name}", errors);
                    break;
                case "additionalProperties":
                    if (value.ValueKind != JsonValueKind.Object) break;
                    var declared = schema["properties"] as JsonObject;
                    foreach (var property in value.EnumerateObject().Where(p => declared is null || !declared.ContainsKey(p.Name)))
                    {
                        if (argument is JsonValue allowed && !allowed.GetValue<bool>()) errors.Add($"{path}: property '{property.Name}' is not allowed");
                        else if (argument is JsonObject additional) Check(additional, property.Value, $"{path}.{property.Name}", errors);
                    }
                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        var index = 0;
                        foreach (var item in value.EnumerateArray()) Check(argument!.AsObject(), item, $"{path}[{index++}]", errors);
                    }
                    break;
                case "anyOf":
                    var branches = argument!.AsArray().Select(branch =>
                    {
                        var branchErrors = new List<string>();
                        Check(branch!.AsObject(), value, path, branchErrors);
                        return branchErrors;
                    }).ToList();
                    if (branches.All(b => b.Count > 0)) errors.Add($"{path}: matches none of anyOf ({string.Join("; ", branches.SelectMany(b => b))})");
                    break;
                default:
                    throw new NotSupportedException($"SchemaValidator does not know the keyword '{keyword}' (at {path}).");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"type '{type}'"),
    };

    private static bool HasFormat(string text, string format) => format switch
    {
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "date-time" => text.Length > 10 && text[10] == 'T' && (text.EndsWith('Z') || text[^6] is '+' or '-')
                       && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ => throw new NotSupportedException($"format '{format}'"),
    };
}
