using System.Reflection;
using System.Text.Json.Serialization;
using Mappa.Events;

namespace Mappa.Partners.Tests.Catalogue;

/// <summary>
/// Builds a filled-in instance of any event record by reflection: deterministic values for the catalogue's examples,
/// and events for chosen subjects and areas for the broker tests. New records need nothing added here.
/// </summary>
public static class ExampleEvents
{
    public static readonly DateTimeOffset OccurredAt = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    public static DomainEvent Create(Type eventType, string subjectId = "subject-1", string? area = "glasgow", Guid? eventId = null)
    {
        var instance = (DomainEvent)Activator.CreateInstance(eventType)!;
        Set(instance, nameof(DomainEvent.EventId), eventId ?? Guid.CreateVersion7());
        Set(instance, nameof(DomainEvent.OccurredAt), OccurredAt);
        Set(instance, nameof(DomainEvent.Subject), new SubjectReference(subjectId, [new SubjectIdentifier("PNC", "2026/0012345A")]));
        Set(instance, nameof(DomainEvent.Detail), new DetailLink("/mappa.example.v1.ExampleService/GetExample", "id", "example-1"));
        Set(instance, nameof(DomainEvent.AdditionalInformation), new Dictionary<string, string> { ["mappaLevel"] = "MAPPA_LEVEL_2" });
        foreach (var property in eventType.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            if (property.SetMethod is null) continue;
            var value = property.Name == "Area" ? area : SampleValue(property);
            property.SetValue(instance, value);
        }
        return instance;
    }

    /// <summary>The deterministic example of <paramref name="eventType"/> shown in the catalogue.</summary>
    public static DomainEvent Example(Type eventType) =>
        Create(eventType, "subject-1", "glasgow", new Guid("0193a5e2-7c40-7d1a-9b3e-5f2c8a1d4e60"));

    private static object? SampleValue(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var camel = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
        if (type == typeof(string)) return camel.EndsWith("Id", StringComparison.Ordinal) ? $"{camel[..^2]}-1" : $"{camel}-value";
        if (type == typeof(int) || type == typeof(long)) return Convert.ChangeType(3, type, System.Globalization.CultureInfo.InvariantCulture);
        if (type == typeof(bool)) return true;
        if (type == typeof(Guid)) return new Guid("0193a5e2-7c40-7d1a-9b3e-000000000001");
        if (type == typeof(DateOnly)) return new DateOnly(2027, 1, 15);
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2027, 1, 15, 10, 0, 0, TimeSpan.Zero);
        if (type == typeof(DateTime)) return new DateTime(2027, 1, 15, 10, 0, 0, DateTimeKind.Utc);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0);
        if (type == typeof(decimal) || type == typeof(double)) return Convert.ChangeType(1.5, type, System.Globalization.CultureInfo.InvariantCulture);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>) || definition == typeof(List<>)))
        {
            var element = type.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            if (element == typeof(string)) list.Add($"{camel}-1");
            return list;
        }
        throw new NotSupportedException($"{property.DeclaringType!.Name}.{property.Name}: no example value for {type.Name}; add one in ExampleEvents.");
    }

    private static void Set(object target, string name, object? value) =>
        typeof(DomainEvent).GetProperty(name)!.SetValue(target, value);

    /// <summary>The proto-style name a value of an enum travels as (its JsonStringEnumMemberName).</summary>
    public static string WireName(Enum value) =>
        value.GetType().GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();
}
