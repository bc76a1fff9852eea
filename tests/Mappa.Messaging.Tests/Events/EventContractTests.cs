using System.Text.Json;
using Mappa.Core.Errors;
using Mappa.Events;
using Mappa.Events.CaseConference;
using Mappa.Messaging.Outbox;
using Mappa.Messaging.Persistence;
using Mappa.Messaging.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Mappa.Messaging.Tests.Events;

public class EventContractTests
{
    [Fact]
    public void Every_event_record_has_a_unique_wire_name_owned_by_its_namespace()
    {
        var all = DomainEventCatalog.All;
        Assert.True(all.Count >= 12, $"expected the first twelve events, found {all.Count}");
        var names = new HashSet<string>();
        foreach (var type in all)
        {
            var attribute = DomainEventTypeAttribute.Of(type);
            Assert.True(names.Add(attribute.EventType), $"{attribute.EventType} is used twice");
            Assert.True(attribute.Version >= 1, type.Name);
            // Mappa.Events.Scheduling.ReviewDue -> mappa.scheduling.*
            var owner = type.Namespace!.Split('.')[^1].ToLowerInvariant();
            Assert.StartsWith($"mappa.{owner}.", attribute.EventType);
            Assert.True(type.IsSealed, $"{type.Name} should be sealed so its wire shape is the whole shape");
            Assert.Same(type, DomainEventCatalog.Find(attribute.EventType));
        }
    }

    [Fact]
    public void Events_serialize_with_the_envelope_first_and_codes_as_proto_enum_names()
    {
        var evt = new MappaLevelDecided
        {
            OccurredAt = new DateTimeOffset(2026, 11, 3, 10, 30, 0, TimeSpan.Zero),
            Subject = new SubjectReference("subj-1", [new SubjectIdentifier("PNC", "2001/0000001A")]),
            Detail = new DetailLink("/mappa.caseconference.v1.ConferenceService/GetConference", "conference_id", "conf-9"),
            ConferenceId = "conf-9",
            Level = MappaLevel.Level2,
            PreviousLevel = MappaLevel.Level1,
            Category = MappaCategory.Category1,
        };

        using var json = JsonDocument.Parse(EventJson.Serialize(evt));
        var root = json.RootElement;
        var propertyNames = root.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["eventType", "version", "eventId", "occurredAt", "subject", "detail", "additionalInformation"], propertyNames[..7]);
        Assert.Equal("mappa.caseconference.mappa-level.decided", root.GetProperty("eventType").GetString());
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("MAPPA_LEVEL_2", root.GetProperty("level").GetString());
        Assert.Equal("MAPPA_LEVEL_1", root.GetProperty("previousLevel").GetString());
        Assert.Equal("MAPPA_CATEGORY_1", root.GetProperty("category").GetString());
        Assert.Equal("PNC", root.GetProperty("subject").GetProperty("identifiers")[0].GetProperty("type").GetString());
        Assert.Equal("conference_id", root.GetProperty("detail").GetProperty("idField").GetString());

        var back = (MappaLevelDecided)EventJson.Deserialize(evt.EventType, EventJson.Serialize(evt));
        Assert.Equal(evt.EventId, back.EventId);
        Assert.Equal(MappaLevel.Level2, back.Level);
        Assert.Equal(evt.Subject.Identifiers, back.Subject.Identifiers);
    }

    [Fact]
    public void Event_ids_are_unique_and_time_ordered()
    {
        var first = TestEvents.ReviewDue("s", "o").EventId;
        var second = TestEvents.ReviewDue("s", "o").EventId;
        Assert.NotEqual(first, second);
        Assert.Equal(7, first.Version);
    }

    [Fact]
    public void Recording_an_event_without_a_subject_or_detail_is_rejected()
    {
        using var db = InMemorySqliteContext();
        var noSubject = TestEvents.ReviewDue("x", "o") with { Subject = SubjectReference.Of(" ") };
        var noDetail = TestEvents.ReviewDue("x", "o") with { Detail = new DetailLink("", "subject_id", "x") };

        var subjectError = Assert.Throws<ValidationFailedException>(() => db.RecordEvent(noSubject));
        Assert.Contains(subjectError.Violations, v => v.Field == "subject.subject_id");
        var detailError = Assert.Throws<ValidationFailedException>(() => db.RecordEvent(noDetail));
        Assert.Contains(detailError.Violations, v => v.Field == "detail");
        Assert.Empty(db.RecordedEvents);
    }

    [Fact]
    public void Additional_information_is_limited_to_a_few_short_entries()
    {
        using var db = InMemorySqliteContext();
        var tooMany = TestEvents.ReviewDue("x", "o") with
        {
            AdditionalInformation = Enumerable.Range(0, 11).ToDictionary(i => "k" + i, i => "v"),
        };
        var tooLong = TestEvents.ReviewDue("x", "o") with
        {
            AdditionalInformation = new Dictionary<string, string> { ["note"] = new string('x', 129) },
        };

        Assert.Contains(Assert.Throws<ValidationFailedException>(() => db.RecordEvent(tooMany)).Violations,
            v => v.Field == "additional_information");
        Assert.Contains(Assert.Throws<ValidationFailedException>(() => db.RecordEvent(tooLong)).Violations,
            v => v.Field == "additional_information");
        db.RecordEvent(TestEvents.ReviewDue("x", "o"));
        Assert.Single(db.RecordedEvents);
    }

    private static SchedulingTestContext InMemorySqliteContext() =>
        new(new DbContextOptionsBuilder<SchedulingTestContext>().UseSqlite("Data Source=:memory:").Options);
}
