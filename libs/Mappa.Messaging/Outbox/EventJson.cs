using System.Text.Json;
using Mappa.Events;

namespace Mappa.Messaging.Outbox;

/// <summary>How an event is kept in the outbox: the same camelCase JSON MassTransit's System.Text.Json serializer writes.</summary>
internal static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(DomainEvent domainEvent) =>
        JsonSerializer.Serialize(domainEvent, domainEvent.GetType(), Options);

    public static DomainEvent Deserialize(string eventType, string payload)
    {
        var clrType = DomainEventCatalog.Find(eventType)
            ?? throw new InvalidOperationException($"No event record is registered for event type '{eventType}'.");
        return (DomainEvent)(JsonSerializer.Deserialize(payload, clrType, Options)
            ?? throw new InvalidOperationException($"The outbox payload of a '{eventType}' event is empty."));
    }
}
