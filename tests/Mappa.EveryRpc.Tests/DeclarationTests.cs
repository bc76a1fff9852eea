using Mappa.EveryRpc.Tests.Support;
using Mappa.Security;
using Mappa.Testing;

namespace Mappa.EveryRpc.Tests;

/// <summary>Every RPC's access declaration is sound, and what it names exists in the role table and in the docs.</summary>
public sealed class DeclarationTests
{
    /// <summary>
    /// Permissions deliberately granted to no role (none today). A permission that no role grants and is not listed
    /// here is a mistake: the RPCs that need it could never be called.
    /// </summary>
    private static readonly HashSet<string> AdminOnlyPermissions = new(StringComparer.Ordinal);

    public static TheoryData<string> EveryRpc() => Rpcs.Names();

    [Fact]
    public void The_contracts_have_mappa_rpcs_to_check()
    {
        // Guards the discovery itself: if it found nothing, every theory below would pass vacuously.
        Assert.Contains(Rpcs.Services, s => s.FullName == "mappa.riskassessment.v1.SubjectService");
        Assert.Contains(Rpcs.Services, s => s.FullName == "mappa.caseconference.v1.ConferenceService");
        Assert.Contains(Rpcs.Services, s => s.FullName == "mappa.scheduling.v1.ReviewCalendarService");
        Assert.True(Rpcs.All.Count >= 30, $"only {Rpcs.All.Count} mappa RPCs found");
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public void Every_rpc_declares_a_permission_or_authenticated_only(string rpc)
    {
        var rule = AccessPolicy.For(Rpcs.ByName(rpc));

        Assert.True(rule.Problems.Count == 0, $"{rpc} has an unsound (mappa.common.v1.access) declaration: {string.Join("; ", rule.Problems)}");
        Assert.True(rule.Kind is MethodAccessKind.Permission or MethodAccessKind.AuthenticatedOnly,
            $"{rpc} must declare a permission or authenticated_only in its (mappa.common.v1.access) option, not {rule.Kind}.");
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public void Every_declared_permission_is_granted_by_some_role_or_is_admin_only(string rpc)
    {
        var rule = AccessPolicy.For(Rpcs.ByName(rpc));
        if (rule.Kind != MethodAccessKind.Permission)
        {
            return;
        }
        Assert.True(RolePermissions.RolesGranting(rule.Permission!).Count > 0 || AdminOnlyPermissions.Contains(rule.Permission!),
            $"{rpc} requires '{rule.Permission}', which no role in RolePermissions grants: grant it to a role or list it as admin-only.");
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public void Subject_field_names_a_string_id_field_of_the_request(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        var rule = AccessPolicy.For(method);
        if (rule.SubjectField is not { } field)
        {
            return;
        }
        Assert.Equal(method.InputType, field.ContainingType);
        Assert.EndsWith("subject_id", field.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Security_doc_role_table_matches_RolePermissions()
    {
        var documented = SecurityDocRoleTable();

        Assert.True(documented.Count > 0, "docs/security.md has no role table with a `role` column.");
        foreach (var (role, granted) in RolePermissions.Table)
        {
            Assert.True(documented.TryGetValue(role, out var inDoc), $"docs/security.md does not list the role `{role}`.");
            Assert.True(granted.SetEquals(inDoc),
                $"docs/security.md says `{role}` has [{string.Join(", ", inDoc.Order())}], RolePermissions grants [{string.Join(", ", granted.Order())}].");
        }
        var undocumentedInCode = documented.Keys.Except(RolePermissions.Table.Keys).ToArray();
        Assert.True(undocumentedInCode.Length == 0, $"docs/security.md lists roles RolePermissions does not know: {string.Join(", ", undocumentedInCode)}.");
    }

    [Fact]
    public void Security_doc_role_table_has_a_column_for_every_permission()
    {
        var header = SecurityDocHeader();
        var missing = Permission.All.Where(p => !header.Contains(p)).ToArray();
        Assert.True(missing.Length == 0, $"docs/security.md's role table has no column for: {string.Join(", ", missing)}.");
    }

    private static string[] SecurityDocLines() =>
        File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "security.md"));

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    private static string[] SecurityDocHeader() =>
        SecurityDocLines().Where(l => l.StartsWith("| role |", StringComparison.Ordinal)).Select(Cells).FirstOrDefault() ?? [];

    /// <summary>Role → permissions ticked (✓) in the docs' table, by the table's own column headers.</summary>
    private static Dictionary<string, HashSet<string>> SecurityDocRoleTable()
    {
        var lines = SecurityDocLines();
        var start = Array.FindIndex(lines, l => l.StartsWith("| role |", StringComparison.Ordinal));
        var table = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        if (start < 0)
        {
            return table;
        }
        var header = Cells(lines[start]);
        for (var i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            var role = cells[0].Trim('`');
            table[role] = Enumerable.Range(0, Math.Min(header.Length, cells.Length))
                .Where(c => cells[c].Contains('✓'))
                .Select(c => header[c])
                .ToHashSet(StringComparer.Ordinal);
        }
        return table;
    }
}
