using System.Text;
using Mappa.Events;

namespace Mappa.Partners.Tests.Catalogue;

/// <summary>docs/events/catalogue.md: every event type and version, its schema and example, and who receives it.</summary>
public static class CataloguePage
{
    public static string Generate(PartnerConfiguration partners)
    {
        var text = new StringBuilder();
        text.Append("""
            # Event catalogue: schemas, examples and receivers

            Generated from the records in `libs/Mappa.Events` and from `deploy/partners.yaml` by
            `tests/Mappa.Partners.Tests` (`EventCatalogueTests`), which fails when this page, a schema or an example is out
            of date. Regenerate with
            `MAPPA_UPDATE_EVENT_CATALOGUE=1 dotnet test tests/Mappa.Partners.Tests --filter EventCatalogueTests`.
            What each event means and its detail RPC are in [events.md](../events.md#catalogue-version-1); the schemas
            describe the event (the envelope's `message`), see [events.md](../events.md#on-the-wire-rabbitmq) for the wrapper.

            "Area" says whether the event carries an `area` (and so a `Mappa-Area` routing header): an event without one
            reaches only agencies that receive every area. "Receivers" lists the agencies of `deploy/partners.yaml` whose
            kind is entitled to the event type, with the areas they receive it for.

            | event type | version | record | area | schema | example | receivers |
            |---|---|---|---|---|---|---|

            """.Replace("\r", ""));
        foreach (var type in DomainEventCatalog.All.OrderBy(t => DomainEventTypeAttribute.Of(t).EventType, StringComparer.Ordinal))
        {
            var attribute = DomainEventTypeAttribute.Of(type);
            var areaScoped = DomainEventRouting.IsAreaScoped(type);
            var receivers = partners.Receivers(attribute.EventType)
                .Where(a => a.AllAreas || areaScoped)
                .Select(a => $"{a.Name} ({(a.AllAreas ? "all areas" : string.Join(", ", a.Areas))})")
                .ToArray();
            var file = EventSchemas.FileName(type);
            text.Append($"| `{attribute.EventType}` | {attribute.Version} | `{type.Name}` | {(areaScoped ? "yes" : "no")} " +
                        $"| [schema](schemas/{file}) | [example](examples/{file}) | {(receivers.Length == 0 ? "nobody yet" : string.Join("; ", receivers))} |\n");
        }
        return text.ToString();
    }
}
