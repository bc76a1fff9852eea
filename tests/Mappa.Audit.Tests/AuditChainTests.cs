using Mappa.Messaging.Audit;

namespace Mappa.Audit.Tests;

public sealed class AuditChainTests
{
    private static readonly AuditRecord Sample = new(7, "0190a7c2-0000-7000-8000-000000000001", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
        "user-1", "agency-a", "assessor manager", "/mappa.scheduling.v1.ReviewCalendarService/GetReviewObligation", "subj-1", 0, "req-1",
        1, AuditChain.GenesisHash, "");

    [Fact]
    public void The_hash_is_a_stable_sha256_of_the_fields()
    {
        var hash = AuditChain.ComputeHash(Sample);

        Assert.Equal(64, hash.Length);
        Assert.Equal(hash, AuditChain.ComputeHash(Sample with { Hash = "ignored" }));
    }

    public static TheoryData<string> Fields => new()
    {
        "position", "entry_id", "time", "caller", "agency", "roles", "method", "subject_id", "outcome", "request_id", "previous_hash",
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Changing_any_field_changes_the_hash(string field)
    {
        var changed = field switch
        {
            "position" => Sample with { Position = 8 },
            "entry_id" => Sample with { EntryId = "0190a7c2-0000-7000-8000-000000000002" },
            "time" => Sample with { Time = Sample.Time.AddMilliseconds(1) },
            "caller" => Sample with { Caller = "user-2" },
            "agency" => Sample with { Agency = "agency-b" },
            "roles" => Sample with { Roles = "assessor" },
            "method" => Sample with { Method = "/mappa.scheduling.v1.ReviewCalendarService/ListReviewObligations" },
            "subject_id" => Sample with { SubjectId = null },
            "outcome" => Sample with { Outcome = 7 },
            "request_id" => Sample with { RequestId = "req-2" },
            "previous_hash" => Sample with { PreviousHash = new string('1', 64) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.NotEqual(AuditChain.ComputeHash(Sample), AuditChain.ComputeHash(changed));
    }

    [Fact]
    public void Moving_text_between_adjacent_fields_changes_the_hash()
    {
        // Without length prefixes "user-1" + "agency-a" and "user-1agency" + "-a" would encode alike.
        var shifted = Sample with { Caller = "user-1agency", Agency = "-a" };

        Assert.NotEqual(AuditChain.ComputeHash(Sample), AuditChain.ComputeHash(shifted));
    }

    [Fact]
    public void An_empty_subject_and_no_subject_hash_differently()
    {
        Assert.NotEqual(AuditChain.ComputeHash(Sample with { SubjectId = null }), AuditChain.ComputeHash(Sample with { SubjectId = "" }));
    }

    [Fact]
    public void An_unknown_hash_version_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AuditChain.ComputeHash(Sample with { HashVersion = 2 }));
    }
}
