using MassTransit;
using Mappa.Events;

namespace Mappa.Messaging.Bus;

/// <summary>
/// Routing headers the bus adds to every published domain event, so a partner agency's headers exchange can select
/// by area without reading the body. Codes only, never personal data.
/// </summary>
public static class PartnerRoutingHeaders
{
    /// <summary>The event's area (local-authority area code); absent when the event has none.</summary>
    public const string Area = "Mappa-Area";

    /// <summary>Adds the routing headers to a publish of a domain event; other messages pass untouched.</summary>
    internal static void Apply(PublishContext context)
    {
        if (context is PublishContext<DomainEvent> published && DomainEventRouting.AreaOf(published.Message) is { } area)
        {
            context.Headers.Set(Area, area);
        }
    }
}
