using System.Collections.Concurrent;
using System.Reflection;

namespace Mappa.Events;

/// <summary>
/// Names an event record on the wire. The type string is <c>mappa.&lt;service&gt;.&lt;entity&gt;.&lt;past-tense verb&gt;</c>
/// and never changes once published; renaming the C# record does not change it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DomainEventTypeAttribute(string eventType, int version) : Attribute
{
    private static readonly ConcurrentDictionary<Type, DomainEventTypeAttribute> Cache = new();

    public string EventType { get; } = eventType;
    public int Version { get; } = version;

    /// <summary>The attribute of an event record; throws if a record derives from DomainEvent without one.</summary>
    public static DomainEventTypeAttribute Of(Type eventClrType) =>
        Cache.GetOrAdd(eventClrType, static type =>
            type.GetCustomAttribute<DomainEventTypeAttribute>()
            ?? throw new InvalidOperationException(
                $"{type.FullName} derives from DomainEvent but has no [DomainEventType] attribute."));
}
