using System.Collections.Concurrent;
using System.Reflection;

namespace Mappa.Events;

/// <summary>
/// What the bus needs to route an event to partner agencies without reading its body: the area it belongs to.
/// An event is <em>area-scoped</em> when its record has a public <c>string Area</c> property (the local-authority
/// area responsible for the subject), the convention every such record already follows; an event without one
/// reaches only subscribers entitled to all areas. A convention rather than an interface so that a new record with
/// an <c>Area</c> is routed by area without anyone remembering a second step.
/// </summary>
public static class DomainEventRouting
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> AreaProperties = new();

    /// <summary>True when events of <paramref name="eventClrType"/> carry an area.</summary>
    public static bool IsAreaScoped(Type eventClrType) => AreaProperty(eventClrType) is not null;

    /// <summary>The area of <paramref name="domainEvent"/>, or null when its type has none or it is empty.</summary>
    public static string? AreaOf(DomainEvent domainEvent) =>
        AreaProperty(domainEvent.GetType())?.GetValue(domainEvent) is string { Length: > 0 } area ? area : null;

    private static PropertyInfo? AreaProperty(Type type) =>
        AreaProperties.GetOrAdd(type, static t =>
            t.GetProperty("Area", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var p, CanRead: true } property
            && p == typeof(string)
                ? property
                : null);
}
