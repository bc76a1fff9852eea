using MassTransit;
using Mappa.Events;

namespace Mappa.Messaging.Bus;

/// <summary>
/// Names each event's exchange after its wire type (e.g. <c>mappa.scheduling.review.due</c>), so subscribers bind to
/// a stable name that does not change when a C# record is renamed; the envelope base gets <c>mappa.events</c>, an
/// exchange that receives every event. Other message types keep MassTransit's default names.
/// </summary>
internal sealed class DomainEventEntityNameFormatter(IEntityNameFormatter fallback) : IEntityNameFormatter
{
    public const string AllEventsExchange = "mappa.events";

    public string FormatEntityName<T>()
    {
        var type = typeof(T);
        if (type == typeof(DomainEvent)) return AllEventsExchange;
        if (!type.IsAbstract && type.IsSubclassOf(typeof(DomainEvent))) return DomainEventTypeAttribute.Of(type).EventType;
        return fallback.FormatEntityName<T>();
    }
}
