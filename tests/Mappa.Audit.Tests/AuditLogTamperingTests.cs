using Mappa.Messaging.Audit;
using Mappa.Security;

namespace Mappa.Audit.Tests;

/// <summary>The chain on real PostgreSQL and on SQLite: built, verified, and every kind of tampering found.</summary>
public sealed class AuditLogTamperingTests
{
    public static TheoryData<Provider> Providers => new() { Provider.Postgres, Provider.Sqlite };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_chain_of_many_entries_is_gap_free_and_verifies(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(1200);
        await using (var db = database.NewContext())
        {
            for (var i = 0; i < 5; i++) await AuditLogs.AppendAsync(db, AuditDatabase.Entry("subj-2", "user-2", i), default);
        }

        var result = await database.VerifyAsync();
        var range = await database.VerifyAsync(1000, 1100);

        Assert.True(result.Valid, result.Detail);
        Assert.Equal(1205, result.EntriesChecked);
        Assert.Equal(1205, result.LastPosition);
        Assert.True(range.Valid, range.Detail);
        Assert.Equal(101, range.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_empty_log_verifies(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);

        var result = await database.VerifyAsync();

        Assert.True(result.Valid, result.Detail);
        Assert.Equal(0, result.EntriesChecked);
    }

    public static TheoryData<Provider, string, string> Edits()
    {
        var edits = new Dictionary<string, string>
        {
            ["entry_id"] = "entry_id = 'forged-id'",
            ["called_at"] = "called_at = {later}",
            ["caller"] = "caller = 'someone-else'",
            ["agency"] = "agency = 'other-agency'",
            ["roles"] = "roles = 'auditor'",
            ["method"] = "method = '/mappa.riskassessment.v1.SubjectService/GetSubject'",
            ["subject_id"] = "subject_id = 'subj-999'",
            ["subject_id_removed"] = "subject_id = NULL",
            ["outcome"] = "outcome = 7", // position 10 was OK
            ["request_id"] = "request_id = 'req-forged'",
            ["hash_version"] = "hash_version = 2",
            ["hash"] = "hash = '" + new string('a', 64) + "'",
            ["previous_hash"] = "previous_hash = '" + new string('b', 64) + "'",
        };
        var data = new TheoryData<Provider, string, string>();
        foreach (var provider in new[] { Provider.Postgres, Provider.Sqlite })
            foreach (var (field, set) in edits) data.Add(provider, field, set);
        return data;
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public async Task Chain_verification_detects_an_edited_audit_row(Provider provider, string field, string set)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(20);
        await database.DropTriggersAsync();
        var later = provider == Provider.Postgres ? "called_at + interval '1 second'" : "called_at + 1000";

        await database.ExecuteAsync($"UPDATE audit_log SET {set.Replace("{later}", later, StringComparison.Ordinal)} WHERE position = 10");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid, field);
        Assert.Equal(10, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.HashMismatch, result.Problem);
        Assert.Equal(9, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_verification_detects_an_edited_row_whose_hash_was_recomputed(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var records = await database.AppendAsync(20);
        await database.DropTriggersAsync();
        var forged = records[9] with { Caller = "someone-else" };
        var forgedHash = AuditChain.ComputeHash(forged);

        await database.ExecuteAsync($"UPDATE audit_log SET caller = 'someone-else', hash = '{forgedHash}' WHERE position = 10");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid);
        Assert.Equal(11, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.PreviousHashMismatch, result.Problem);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_verification_detects_a_deleted_audit_row(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(20);
        await database.DropTriggersAsync();

        await database.ExecuteAsync("DELETE FROM audit_log WHERE position = 7");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid);
        Assert.Equal(7, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.Gap, result.Problem);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_verification_detects_a_deleted_row_when_the_later_ones_were_renumbered(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(20);
        await database.DropTriggersAsync();

        await database.ExecuteAsync("DELETE FROM audit_log WHERE position = 7");
        // One row at a time, upwards, so the primary key never collides.
        for (var position = 8; position <= 20; position++)
            await database.ExecuteAsync($"UPDATE audit_log SET position = {position - 1} WHERE position = {position}");
        await database.ExecuteAsync("UPDATE audit_log_head SET last_position = 19");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid);
        Assert.Equal(7, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.HashMismatch, result.Problem);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_verification_detects_the_newest_rows_deleted(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(20);
        await database.DropTriggersAsync();

        await database.ExecuteAsync("DELETE FROM audit_log WHERE position >= 19");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid);
        Assert.Equal(19, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.HeadMismatch, result.Problem);
        Assert.Equal(18, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chain_verification_detects_reordered_rows(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(20);
        await database.DropTriggersAsync();

        await database.ExecuteAsync("UPDATE audit_log SET position = -5 WHERE position = 5");
        await database.ExecuteAsync("UPDATE audit_log SET position = 5 WHERE position = 6");
        await database.ExecuteAsync("UPDATE audit_log SET position = 6 WHERE position = -5");
        var result = await database.VerifyAsync();

        Assert.False(result.Valid);
        Assert.Equal(5, result.FirstBrokenPosition);
        Assert.Equal(AuditChainProblemKind.HashMismatch, result.Problem);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_range_verification_checks_the_link_to_the_entry_before_it(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(30);
        await database.DropTriggersAsync();
        await database.ExecuteAsync($"UPDATE audit_log SET previous_hash = '{new string('c', 64)}' WHERE position = 21");

        var before = await database.VerifyAsync(1, 20);
        var from = await database.VerifyAsync(21, 30);

        Assert.True(before.Valid, before.Detail);
        Assert.False(from.Valid);
        Assert.Equal(21, from.FirstBrokenPosition);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_database_refuses_to_update_or_delete_audit_rows(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(3);

        var update = await Assert.ThrowsAnyAsync<Exception>(() => database.ExecuteAsync("UPDATE audit_log SET caller = 'x' WHERE position = 2"));
        var delete = await Assert.ThrowsAnyAsync<Exception>(() => database.ExecuteAsync("DELETE FROM audit_log WHERE position = 3"));

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        Assert.True((await database.VerifyAsync()).Valid);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_append_in_a_transaction_that_rolls_back_leaves_no_entry_and_no_gap(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await database.AppendAsync(2);

        await using (var db = database.NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await AuditLogs.AppendAsync(db, AuditDatabase.Entry("subj-9", "user-9", 1), default);
            await transaction.RollbackAsync();
        }
        IReadOnlyList<AuditRecord> third;
        await using (var db = database.NewContext())
        {
            third = [await AuditLogs.AppendAsync(db, AuditDatabase.Entry("subj-3", "user-3", 1), default)];
        }
        var result = await database.VerifyAsync();

        Assert.Equal(3, third[0].Position);
        Assert.True(result.Valid, result.Detail);
        Assert.Equal(3, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_appends_from_many_connections_keep_the_chain_valid(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        const int writers = 8, each = 25;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                await using var db = database.NewContext();
                await AuditLogs.AppendAsync(db, AuditDatabase.Entry("subj-" + w, "user-" + w, i), default);
            }
        })));
        var result = await database.VerifyAsync();

        Assert.True(result.Valid, result.Detail);
        Assert.Equal(writers * each, result.EntriesChecked);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Listing_filters_by_subject_caller_and_time_and_pages_oldest_first(Provider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        var a = await database.AppendAsync(5, subject: "subj-a", caller: "user-a");
        await database.AppendAsync(5, subject: "subj-b", caller: "user-b");
        await using var db = database.NewContext();
        var log = database.Log(db);

        var first = await log.ListAsync(new AuditQuery(3, SubjectId: "subj-a"), default);
        var rest = await log.ListAsync(new AuditQuery(3, first[^1].Position, SubjectId: "subj-a"), default);
        var byCaller = await log.ListAsync(new AuditQuery(100, Caller: "user-b"), default);
        var byTime = await log.ListAsync(new AuditQuery(100, From: a[1].Time, Before: a[3].Time), default);
        var newest = await log.ListAsync(new AuditQuery(2, NewestFirst: true), default);

        Assert.Equal([1, 2, 3], first.Select(r => r.Position));
        Assert.Equal([4, 5], rest.Select(r => r.Position));
        Assert.All(byCaller, r => Assert.Equal("user-b", r.Caller));
        Assert.Equal(5, byCaller.Count);
        // Both subjects' entries share times (the samples use the same clock), so two of each.
        Assert.Equal(4, byTime.Count);
        Assert.Equal([10, 9], newest.Select(r => r.Position));
        Assert.Equal(a[0].Hash, first[0].Hash);
        Assert.Equal(["assessor", "police-officer"], first[0].RoleList);
    }
}
