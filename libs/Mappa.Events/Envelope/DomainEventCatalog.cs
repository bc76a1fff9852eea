using System.Reflection;

namespace Mappa.Events;

/// <summary>Every event record in this assembly, found once by reflection, looked up by its wire type string.</summary>
public static class DomainEventCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, Type>> ByEventType = new(() =>
        typeof(DomainEvent).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(DomainEvent)))
            .ToDictionary(t => DomainEventTypeAttribute.Of(t).EventType, t => t, StringComparer.Ordinal));

    public static IReadOnlyCollection<Type> All => ByEventType.Value.Values.ToArray();

    public static Type? Find(string eventType) => ByEventType.Value.GetValueOrDefault(eventType);
}
