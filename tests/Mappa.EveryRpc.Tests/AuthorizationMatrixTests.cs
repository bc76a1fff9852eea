using Mappa.EveryRpc.Tests.Support;
using Mappa.Grpc;
using Mappa.Grpc.Server;
using Mappa.Testing;

namespace Mappa.EveryRpc.Tests;

/// <summary>
/// Every RPC x every role (plus an unknown role and no token), called over HTTP/2 against the running embedded
/// suite. The expectation of each cell comes from the declarations the server uses, so a new RPC is in the matrix
/// as soon as it is in the contracts.
/// </summary>
public sealed class AuthorizationMatrixTests(SeededSuite suite) : IClassFixture<SeededSuite>
{
    public static TheoryData<string, string> Cells() => AuthorizationMatrix.Cells();

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_caller_gets_what_the_declarations_say(string rpc, string caller)
    {
        using var client = new RawGrpcCaller(suite.Address);
        var mismatch = await CheckCellAsync(client, suite, rpc, caller);
        Assert.True(mismatch is null, mismatch);
    }

    /// <summary>Calls one cell of the matrix; null when the answer is what the declarations say, else why not.</summary>
    public static async Task<string?> CheckCellAsync(RawGrpcCaller client, SeededSuite suite, string rpc, string caller)
    {
        var method = Rpcs.ByName(rpc);
        var expected = AuthorizationMatrix.Expected(method, caller);

        var request = MatrixRequests.For(method, suite.Known, Callers.HomeArea);
        var token = Callers.Token(suite.Issuer, caller);
        CallOutcome outcome;
        if (expected is not null && method.IsServerStreaming)
        {
            // A refusal comes at once; a long deadline keeps a loaded machine from turning it into DEADLINE_EXCEEDED.
            using var patient = new RawGrpcCaller(suite.Address) { StreamDeadline = TimeSpan.FromSeconds(60) };
            outcome = await patient.CallAsync(method, request, token);
        }
        else
        {
            outcome = await client.CallAsync(method, request, token);
        }

        if (outcome.Transport.Length > 0)
        {
            return $"{rpc} as {caller}: {outcome}";
        }
        if (expected is { } refusal)
        {
            return outcome.Status == refusal ? null : $"{rpc} as {caller}: expected {refusal} from the declarations, got {outcome}.";
        }
        if (outcome.Status is StatusCode.PermissionDenied or StatusCode.Unauthenticated or StatusCode.Unimplemented)
        {
            return $"{rpc} as {caller}: the declarations allow it, so the handler should run, but the call answered {outcome}.";
        }
        return outcome.Status is StatusCode.Internal or StatusCode.Unknown ? $"{rpc} as {caller}: the handler failed: {outcome}." : null;
    }

    [Fact]
    public void Every_mappa_service_of_the_contracts_is_served_with_a_handler_for_every_method()
    {
        var registry = suite.Service<GrpcServiceRegistry>();
        var bound = registry.BoundMethods.Select(Rpcs.NameOf).ToHashSet(StringComparer.Ordinal);

        var unbound = Rpcs.All.Select(Rpcs.NameOf).Where(name => !bound.Contains(name)).ToArray();

        Assert.True(unbound.Length == 0, $"RPCs in the contracts that the embedded suite does not serve: {string.Join(", ", unbound)}.");
    }

    [Fact]
    public async Task Authorization_matrix_document_is_in_step_with_the_declarations()
    {
        var path = Path.Combine(TestEnvironment.RepositoryRoot, AuthorizationMatrix.DocumentPath);
        var generated = AuthorizationMatrix.Markdown();
        if (Environment.GetEnvironmentVariable(AuthorizationMatrix.RegenerateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, generated);
        }

        var committed = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "(missing)";

        Assert.True(committed == generated.ReplaceLineEndings("\n"),
            $"{AuthorizationMatrix.DocumentPath} differs from the declarations. Regenerate it with " +
            $"{AuthorizationMatrix.RegenerateVariable}=1 dotnet test tests/Mappa.EveryRpc.Tests --filter Authorization_matrix_document, and review the diff.");
    }
}

/// <summary>The whole matrix once more with every module on its own fresh PostgreSQL database.</summary>
public sealed class PostgresAuthorizationMatrixTests(PostgresSeededSuite suite) : IClassFixture<PostgresSeededSuite>
{
    [Fact]
    public async Task Each_caller_gets_what_the_declarations_say_on_postgres()
    {
        using var client = new RawGrpcCaller(suite.Address);
        var mismatches = new List<string>();
        var cells = 0;
        foreach (var method in Rpcs.All)
        {
            foreach (var caller in Callers.MatrixColumns)
            {
                cells++;
                if (await AuthorizationMatrixTests.CheckCellAsync(client, suite, Rpcs.NameOf(method), caller) is { } mismatch)
                {
                    mismatches.Add(mismatch);
                }
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {cells} cells differ:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches)}");
    }
}
