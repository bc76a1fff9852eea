using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.EveryRpc.Tests.Support;
using Mappa.Grpc;
using Mappa.Security;
using Mappa.Security.Development;

namespace Mappa.EveryRpc.Tests;

/// <summary>
/// Row scoping and redaction over every RPC: a caller must not be able to tell a record outside its scope from one
/// that does not exist, and a need-to-know reader never receives personal detail, narrative or item scores.
/// </summary>
public sealed class ScopeAndRedactionTests(SeededSuite suite) : IClassFixture<SeededSuite>
{
    public static TheoryData<string> SubjectScopedRpcs()
    {
        var data = new TheoryData<string>();
        foreach (var method in Rpcs.All.Where(m => AccessPolicy.For(m).SubjectField is not null))
        {
            data.Add(Rpcs.NameOf(method));
        }
        return data;
    }

    public static TheoryData<string> ConferenceRpcs()
    {
        var data = new TheoryData<string>();
        foreach (var method in Rpcs.All.Where(m => m.InputType.FindFieldByName("conference_id") is { FieldType: FieldType.String }))
        {
            data.Add(Rpcs.NameOf(method));
        }
        return data;
    }

    public static TheoryData<string> RpcsAPartnerReaderMayCall()
    {
        var data = new TheoryData<string>();
        foreach (var method in Rpcs.All.Where(m => AuthorizationMatrix.Expected(m, Role.PartnerReader) is null))
        {
            data.Add(Rpcs.NameOf(method));
        }
        return data;
    }

    [Fact]
    public void Some_rpcs_are_scoped_to_a_subject()
    {
        // Guards the theories below against passing on an empty set.
        Assert.True(Rpcs.All.Count(m => AccessPolicy.For(m).SubjectField is not null) >= 3);
        Assert.True(Rpcs.All.Count(m => m.InputType.FindFieldByName("conference_id") is not null) >= 5);
    }

    [Theory]
    [MemberData(nameof(SubjectScopedRpcs))]
    public async Task Subject_in_another_area_is_indistinguishable_from_no_subject(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        var rule = AccessPolicy.For(method);
        var role = RolePermissions.RolesGranting(rule.Permission!)[0];
        var outsider = Token(role, Callers.OtherArea, "SOCIAL_WORK");
        using var client = new RawGrpcCaller(suite.Address);

        var existing = await client.CallAsync(method, MatrixRequests.For(method, suite.Known, Callers.OtherArea), outsider);
        var missing = await client.CallAsync(method, MatrixRequests.For(method, suite.Known with { SubjectId = Guid.NewGuid().ToString() }, Callers.OtherArea), outsider);

        Assert.True(existing.Status != StatusCode.PermissionDenied, $"{rpc} as an {role} of {Callers.OtherArea}: PERMISSION_DENIED for a {Callers.HomeArea} subject tells the caller it exists ({existing}).");
        Assert.True(existing.Status == missing.Status,
            $"{rpc} as an {role} of {Callers.OtherArea}: a {Callers.HomeArea} subject answers {existing}, a subject that does not exist answers {missing}: the difference leaks existence.");
    }

    [Theory]
    [MemberData(nameof(SubjectScopedRpcs))]
    public async Task Read_of_a_subject_outside_the_callers_area_is_not_found(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        var rule = AccessPolicy.For(method);
        if (!rule.Permission!.EndsWith(".read", StringComparison.Ordinal))
        {
            return; // writes are checked by the indistinguishability test above (validation may come first)
        }
        var role = RolePermissions.RolesGranting(rule.Permission!)[0];
        using var client = new RawGrpcCaller(suite.Address);

        var inside = await client.CallAsync(method, MatrixRequests.For(method, suite.Known, Callers.HomeArea), Token(role, Callers.HomeArea, "SOCIAL_WORK"));
        var outside = await client.CallAsync(method, MatrixRequests.For(method, suite.Known, Callers.OtherArea), Token(role, Callers.OtherArea, "SOCIAL_WORK"));

        Assert.True(inside.Status is not (StatusCode.NotFound or StatusCode.PermissionDenied) && inside.Transport.Length == 0,
            $"{rpc} as an {role} of {Callers.HomeArea} should see its own subject: {inside}.");
        Assert.True(outside.Status == StatusCode.NotFound, $"{rpc} as an {role} of {Callers.OtherArea} should be NOT_FOUND: {outside}.");
    }

    [Theory]
    [MemberData(nameof(ConferenceRpcs))]
    public async Task Conference_an_agency_is_not_invited_to_is_indistinguishable_from_no_conference(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        var rule = AccessPolicy.For(method);
        if (AuthorizationMatrix.Expected(method, Role.PartnerReader) is not null)
        {
            return; // partner readers may not call it at all (the matrix checks that)
        }
        // Housing is not among the default invitees of the seeded conference.
        var housing = Token(Role.PartnerReader, Callers.HomeArea, "HOUSING");
        using var client = new RawGrpcCaller(suite.Address);

        var existing = await client.CallAsync(method, MatrixRequests.For(method, suite.Known, Callers.HomeArea), housing);
        var missing = await client.CallAsync(method, MatrixRequests.For(method, suite.Known with { ConferenceId = Guid.NewGuid().ToString() }, Callers.HomeArea), housing);

        Assert.True(existing.Status != StatusCode.PermissionDenied, $"{rpc} by an agency not invited: PERMISSION_DENIED leaks the conference ({existing}).");
        Assert.True(existing.Status == missing.Status,
            $"{rpc} by an agency not invited answers {existing}; for a conference that does not exist {missing}: the difference leaks existence.");
        _ = rule;
    }

    [Fact]
    public async Task Invited_agency_sees_the_conference_and_an_uninvited_one_does_not()
    {
        var method = Rpcs.ByName("/mappa.caseconference.v1.ConferenceService/GetConference");
        using var client = new RawGrpcCaller(suite.Address);
        var request = MatrixRequests.For(method, suite.Known, Callers.HomeArea);

        var police = await client.CallAsync(method, request, Token(Role.PartnerReader, Callers.HomeArea, "POLICE"));
        var housing = await client.CallAsync(method, request, Token(Role.PartnerReader, Callers.HomeArea, "HOUSING"));

        Assert.True(police.Ok, police.ToString());
        Assert.Equal(StatusCode.NotFound, housing.Status);
    }

    [Theory]
    [MemberData(nameof(RpcsAPartnerReaderMayCall))]
    public async Task Partner_reader_never_receives_personal_detail_narrative_or_item_scores(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        using var client = new RawGrpcCaller(suite.Address);

        // Police are invited to the seeded conference, so conference reads answer with content too.
        var outcome = await client.CallAsync(method, MatrixRequests.For(method, suite.Known, Callers.HomeArea), Token(Role.PartnerReader, Callers.HomeArea, "POLICE"));

        var leaks = outcome.Responses.SelectMany(response => Redaction.Leaks(response)).ToArray();
        Assert.True(leaks.Length == 0, $"{rpc} as a partner-reader ({outcome.Status}) returned: {string.Join("; ", leaks)}.");
    }

    [Fact]
    public async Task Redaction_check_sees_detail_when_the_caller_may_see_it()
    {
        // The check above must be able to fail: the same reads by an assessor carry the name and the narrative.
        using var client = new RawGrpcCaller(suite.Address);
        var assessor = Token(Role.Assessor, Callers.HomeArea, "SOCIAL_WORK");
        var subject = Rpcs.ByName("/mappa.riskassessment.v1.SubjectService/GetSubject");
        var assessment = Rpcs.ByName("/mappa.riskassessment.v1.AssessmentService/GetAssessment");

        var subjectOutcome = await client.CallAsync(subject, MatrixRequests.For(subject, suite.Known, Callers.HomeArea), assessor);
        var assessmentOutcome = await client.CallAsync(assessment, MatrixRequests.For(assessment, suite.Known, Callers.HomeArea), assessor);

        Assert.Contains(Redaction.Leaks(Assert.Single(subjectOutcome.Responses)), leak => leak.Contains(Sentinels.DisplayName, StringComparison.Ordinal));
        var assessmentLeaks = Redaction.Leaks(Assert.Single(assessmentOutcome.Responses));
        Assert.Contains(assessmentLeaks, leak => leak.Contains(Sentinels.Narrative, StringComparison.Ordinal));
        Assert.Contains(assessmentLeaks, leak => leak.Contains("detail_redacted", StringComparison.Ordinal));
    }

    private string Token(string role, string area, string agencyKind) =>
        suite.Issuer.Issue(new DevelopmentTokenRequest("scope-" + role, "test-agency", agencyKind, [area], [role]));
}

/// <summary>
/// What a caller without <c>subjects.personal-detail</c> and <c>assessments.item-detail</c> must not receive, checked
/// by descriptor over the whole response: no planted sentinel in any string; every
/// <c>mappa.riskassessment.v1.Subject</c> without a display name; every <c>mappa.riskassessment.v1.Assessment</c>
/// marked detail_redacted with no scores, results or correction reason (docs/security.md).
/// </summary>
public static class Redaction
{
    private static readonly Dictionary<string, string[]> EmptyWhenRedacted = new(StringComparer.Ordinal)
    {
        ["mappa.riskassessment.v1.Subject"] = ["display_name"],
        ["mappa.riskassessment.v1.Assessment"] = ["scores", "result", "results", "supersession_reason"],
    };

    public static List<string> Leaks(IMessage message)
    {
        var leaks = new List<string>();
        Walk(message, message.Descriptor.Name, leaks);
        return leaks;
    }

    private static void Walk(IMessage message, string path, List<string> leaks)
    {
        var type = message.Descriptor;
        if (EmptyWhenRedacted.TryGetValue(type.FullName, out var fields))
        {
            foreach (var name in fields)
            {
                if (type.FindFieldByName(name) is { } field && IsSet(field, message))
                {
                    leaks.Add($"{path}.{name} is set");
                }
            }
            if (type.FindFieldByName("detail_redacted") is { FieldType: FieldType.Bool } flag && !(bool)flag.Accessor.GetValue(message))
            {
                leaks.Add($"{path}.detail_redacted is false");
            }
        }
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            var items = field.IsRepeated ? ((System.Collections.IEnumerable)value).Cast<object>().ToArray() : [value];
            for (var i = 0; i < items.Length; i++)
            {
                var at = field.IsRepeated ? $"{path}.{field.Name}[{i}]" : $"{path}.{field.Name}";
                switch (items[i])
                {
                    case string text when Sentinels.All.Any(s => text.Contains(s, StringComparison.Ordinal)):
                        leaks.Add($"{at} = \"{text}\"");
                        break;
                    case IMessage nested:
                        Walk(nested, at, leaks);
                        break;
                }
            }
        }
    }

    private static bool IsSet(FieldDescriptor field, IMessage message)
    {
        var value = field.Accessor.GetValue(message);
        return value switch
        {
            null => false,
            string text => text.Length > 0,
            IMessage nested => nested.CalculateSize() > 0 || field.Accessor.HasValue(message),
            System.Collections.ICollection collection => collection.Count > 0,
            _ => !Equals(value, Activator.CreateInstance(value.GetType())),
        };
    }
}
