using System.Text.Json;
using System.Text.Json.Nodes;
using Mappa.Events;
using Mappa.Events.Scheduling;
using Mappa.Partners.Tests.Infrastructure;

namespace Mappa.Partners.Tests.Catalogue;

/// <summary>
/// The catalogue's schemas, examples and page are generated from the code and checked in; these tests fail when they
/// drift (a record changed without its schema), and check that what the bus really publishes matches the schemas.
/// </summary>
public class EventCatalogueTests
{
    private const string UpdateVariable = "MAPPA_UPDATE_EVENT_CATALOGUE";
    private static readonly string SchemaFolder = RepositoryFiles.Path("docs", "events", "schemas");
    private static readonly string ExampleFolder = RepositoryFiles.Path("docs", "events", "examples");

    public static TheoryData<string> EventTypes() => new(DomainEventCatalog.All.Select(t => DomainEventTypeAttribute.Of(t).EventType).Order());

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void The_checked_in_schema_matches_the_event_record(string eventType)
    {
        var type = DomainEventCatalog.Find(eventType)!;
        MatchesCheckedIn(Path.Combine(SchemaFolder, EventSchemas.FileName(type)), EventSchemas.Format(EventSchemas.Generate(type)));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void The_checked_in_example_matches_its_schema_and_reads_back_as_the_record(string eventType)
    {
        var type = DomainEventCatalog.Find(eventType)!;
        var example = ExampleEvents.Example(type);
        var json = JsonSerializer.SerializeToNode(example, type, EventSchemas.Wire)!;
        MatchesCheckedIn(Path.Combine(ExampleFolder, EventSchemas.FileName(type)), EventSchemas.Format(json));

        using var document = JsonDocument.Parse(json.ToJsonString());
        Assert.Empty(SchemaValidator.Validate(EventSchemas.Generate(type), document.RootElement));
        var back = (DomainEvent)JsonSerializer.Deserialize(json.ToJsonString(), type, EventSchemas.Wire)!;
        Assert.Equal(example.EventId, back.EventId);
        Assert.Equal(json.ToJsonString(), JsonSerializer.SerializeToNode(back, type, EventSchemas.Wire)!.ToJsonString());
    }

    [Fact]
    public void Every_schema_and_example_file_belongs_to_an_event_record()
    {
        var expected = DomainEventCatalog.All.Select(EventSchemas.FileName).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in new[] { SchemaFolder, ExampleFolder })
        {
            var stale = Directory.GetFiles(folder, "*.json").Select(Path.GetFileName).Where(f => !expected.Contains(f!)).ToArray();
            if (stale.Length > 0 && Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            {
                foreach (var file in stale) File.Delete(Path.Combine(folder, file!));
                continue;
            }
            Assert.True(stale.Length == 0, $"{folder} holds files of no event record: {string.Join(", ", stale)}. {HowToUpdate}");
        }
    }

    [Fact]
    public void The_catalogue_page_lists_every_event_with_its_receivers_from_deploy_partners_yaml()
    {
        var partners = PartnerConfiguration.Load(RepositoryFiles.Path("deploy", "partners.yaml"));
        var page = CataloguePage.Generate(partners);
        MatchesCheckedIn(RepositoryFiles.Path("docs", "events", "catalogue.md"), page);
        Assert.Contains("| `mappa.scheduling.review.due` | 1 | `ReviewDue` | yes | [schema](schemas/mappa.scheduling.review.due.v1.json) " +
                        "| [example](examples/mappa.scheduling.review.due.v1.json) | police-scotland (all areas); glasgow (glasgow); edinburgh (edinburgh) |", page);
    }

    [Fact]
    public void The_schema_check_rejects_a_missing_field_a_malformed_date_and_an_unknown_code()
    {
        var schema = EventSchemas.Generate(typeof(ReviewDue));
        var good = JsonSerializer.SerializeToNode(ExampleEvents.Example(typeof(ReviewDue)), typeof(ReviewDue), EventSchemas.Wire)!.AsObject();
        Assert.Empty(Validate(schema, good));

        var missing = good.DeepClone().AsObject();
        missing.Remove("obligationId");
        Assert.Contains("$: missing required property 'obligationId'", Validate(schema, missing));

        var badDate = good.DeepClone().AsObject();
        badDate["dueDate"] = "15/01/2027";
        Assert.Contains("$.dueDate: '15/01/2027' is not a date", Validate(schema, badDate));

        var badCode = good.DeepClone().AsObject();
        badCode["kind"] = "REVIEW_KIND_WHENEVER";
        Assert.Single(Validate(schema, badCode), e => e.StartsWith("$.kind: \"REVIEW_KIND_WHENEVER\" is not one of", StringComparison.Ordinal));

        var otherType = good.DeepClone().AsObject();
        otherType["eventType"] = "mappa.scheduling.review.overdue";
        Assert.Single(Validate(schema, otherType), e => e.StartsWith("$.eventType: expected", StringComparison.Ordinal));

        var noSubjectId = good.DeepClone().AsObject();
        noSubjectId["subject"]!.AsObject().Remove("subjectId");
        Assert.Contains("$.subject: missing required property 'subjectId'", Validate(schema, noSubjectId));

        // Additive changes keep the version: a property the schema does not know is accepted.
        var extended = good.DeepClone().AsObject();
        extended["someFutureField"] = "x";
        Assert.Empty(Validate(schema, extended));
    }

    [Fact]
    public async Task Every_event_type_as_really_published_on_the_broker_matches_its_schema()
    {
        // One agency entitled to every event type in every area, so one queue receives one of each.
        var everything = PartnerConfiguration.Parse($"""
            kinds:
              auditor:
                events: [{string.Join(", ", DomainEventCatalog.All.Select(t => DomainEventTypeAttribute.Of(t).EventType))}]
            agencies:
              - name: catalogue
                kind: auditor
                areas: all
            """);
        await using var broker = await PartnerBroker.CreateAsync();
        await broker.ProvisionAsync(everything);
        var bus = await broker.StartSuiteBusAsync();
        var published = DomainEventCatalog.All.Select(t => ExampleEvents.Create(t, "subject-" + t.Name, "glasgow")).ToArray();
        await bus.PublishAsync(published);

        await using var admin = await broker.ConnectAsAdminAsync();
        await using var channel = await admin.CreateChannelAsync();
        var received = await Queues.DrainAsync(channel, PartnerTopology.Queue("catalogue"), published.Length);
        foreach (var message in received)
        {
            var type = DomainEventCatalog.Find(message.EventType);
            Assert.True(type is not null, $"unknown event type {message.EventType}");
            using var body = JsonDocument.Parse(message.Body);
            var errors = SchemaValidator.Validate(EventSchemas.Generate(type), body.RootElement.GetProperty("message"));
            Assert.True(errors.Count == 0, $"{message.EventType}: {string.Join("; ", errors)}\n{message.Body}");
            Assert.Equal(message.EventType, message.Header("Mappa-Event-Type"));
        }
        Assert.Equal(published.Select(e => e.EventId).Order(), received.Select(r => r.EventId).Order());
    }

    private static IReadOnlyList<string> Validate(JsonObject schema, JsonNode value)
    {
        using var document = JsonDocument.Parse(value.ToJsonString());
        return SchemaValidator.Validate(schema, document.RootElement);
    }

    private static string HowToUpdate =>
        $"If the change is intended, regenerate with `{UpdateVariable}=1 dotnet test tests/Mappa.Partners.Tests --filter EventCatalogueTests` " +
        "and commit docs/events (a breaking change needs a new version instead: see docs/events.md, Versioning).";

    private static void MatchesCheckedIn(string path, string generated)
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || File.ReadAllText(path) != generated) File.WriteAllText(path, generated);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing. {HowToUpdate}");
        var checkedIn = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(checkedIn == generated, $"{path} differs from what the code generates. {HowToUpdate}\nGenerated:\n{generated}");
    }
}
