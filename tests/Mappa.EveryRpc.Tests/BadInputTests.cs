using Mappa.EveryRpc.Tests.Support;
using Mappa.Grpc;
using Xunit.Abstractions;

namespace Mappa.EveryRpc.Tests;

/// <summary>The suite the bad input is sent to: its own, so other test classes never see what it stores.</summary>
public sealed class FuzzSuite : SeededSuite
{
    // A handler failure then names the exception (type and message) in the status, so a CI failure says what broke.
    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [new("Mappa:Grpc:Limits:EnableDetailedErrors", "true")];
}

/// <summary>
/// Bad input at scale: for every RPC's request message, reproducible generated requests sent with a token that
/// holds every role in every area. Every call must end with a defined status (never INTERNAL/UNKNOWN, no hang, no
/// dropped connection), and a call that fails must leave every table of every module database (outbox included)
/// as it was. Seed and size: MAPPA_FUZZ_SEED (default 20261122) and MAPPA_FUZZ_ITERATIONS (default 24 per RPC).
/// </summary>
public sealed class BadInputTests(FuzzSuite suite, ITestOutputHelper output) : IClassFixture<FuzzSuite>
{
    private const int DefaultSeed = 20261122;
    private const int DefaultIterations = 24;

    private static readonly StatusCode[] Undefined = [StatusCode.Unknown, StatusCode.Internal, StatusCode.DataLoss, StatusCode.Unimplemented, StatusCode.Unauthenticated, StatusCode.Cancelled];

    public static TheoryData<string> EveryRpc() => Rpcs.Names();

    private static int BaseSeed => int.TryParse(Environment.GetEnvironmentVariable("MAPPA_FUZZ_SEED"), out var seed) ? seed : DefaultSeed;

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("MAPPA_FUZZ_ITERATIONS"), out var n) && n > 2 ? n : DefaultIterations;

    /// <summary>The seed of one RPC: the run's seed mixed with a stable hash of the method name (FNV-1a).</summary>
    public static int SeedFor(string rpc, int baseSeed)
    {
        var hash = 2166136261u;
        foreach (var c in rpc)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash ^ (uint)baseSeed);
    }

    /// <summary>
    /// Whether the body is one complete frame holding a valid encoding of the method's request type. A body that is
    /// not is refused by the gRPC layer before any handler with INTERNAL, as grpc-go and grpc-java do ("error
    /// unmarshalling request"); for a body that decodes, INTERNAL can only mean a handler failed.
    /// </summary>
    private static bool Decodes(Google.Protobuf.Reflection.MethodDescriptor method, byte[] body)
    {
        if (body.Length < 5 || body[0] != 0 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1)) != body.Length - 5)
        {
            return false;
        }
        try
        {
            method.InputType.Parser.ParseFrom(body, 5, body.Length - 5);
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Snapshot_sees_what_a_successful_call_stores()
    {
        // The "nothing stored" check must be able to fail: a good CreateSubject shows up in the snapshot.
        var method = Rpcs.ByName("/mappa.riskassessment.v1.SubjectService/CreateSubject");
        using var client = new RawGrpcCaller(suite.Address);
        var request = new Contracts.RiskAssessment.V1.CreateSubjectRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifiers = { new Contracts.Common.V1.ExternalIdentifier { Type = "PNC", Value = "SNAP/" + Guid.NewGuid().ToString("N")[..10] } },
            Category = Contracts.Common.V1.MappaCategory._2,
            LeadAgency = Contracts.Common.V1.AgencyKind.Police,
            Area = Callers.HomeArea,
            DisplayName = "Snapshot Person",
        };
        var before = await DatabaseSnapshot.SettledAsync(suite.Services);

        var outcome = await client.CallAsync(method, request, Callers.AllPowerful(suite.Issuer));
        var after = await DatabaseSnapshot.TakeAsync(suite.Services);

        Assert.True(outcome.Ok, outcome.ToString());
        Assert.Contains(after.ChangesSince(before), change => change.StartsWith("RiskAssessmentDbContext.subjects:", StringComparison.Ordinal));
        Assert.Equal(3, DatabaseSnapshot.ContextTypes(suite.Services).Count);
    }

    [Theory]
    [MemberData(nameof(EveryRpc))]
    public async Task Bad_requests_get_a_defined_status_and_store_nothing(string rpc)
    {
        var method = Rpcs.ByName(rpc);
        var seed = SeedFor(rpc, BaseSeed);
        var token = Callers.AllPowerful(suite.Issuer);
        // A stream the handler accepted runs until this deadline: short, since only its refusals matter here.
        using var client = new RawGrpcCaller(suite.Address) { StreamDeadline = TimeSpan.FromMilliseconds(500) };
        var problems = new List<string>();
        var statuses = new SortedDictionary<StatusCode, int>();
        var background = 0;
        var previousSucceeded = true;
        var before = await DatabaseSnapshot.SettledAsync(suite.Services);

        foreach (var fuzz in new RequestFuzzer(method, seed, suite.Known).Cases(Iterations))
        {
            if (previousSucceeded)
            {
                before = await DatabaseSnapshot.SettledAsync(suite.Services);
            }
            var outcome = await client.CallRawAsync(method, fuzz.Body, token);
            statuses[outcome.Status] = statuses.GetValueOrDefault(outcome.Status) + 1;
            var after = await DatabaseSnapshot.TakeAsync(suite.Services);
            previousSucceeded = outcome.Ok;

            if (outcome.Transport.Length > 0
                || (Undefined.Contains(outcome.Status) && !(outcome.Status == StatusCode.Internal && !Decodes(method, fuzz.Body)))
                || (outcome.Status == StatusCode.DeadlineExceeded && !method.IsServerStreaming))
            {
                problems.Add($"{fuzz}: answered {outcome}");
            }
            if (!outcome.Ok && after.ChangesSince(before) is { Count: > 0 } changes)
            {
                // Consumers of earlier calls (and the scheduling sweep they wake) may have written meanwhile: settle and
                // send the same bytes again, up to three times. A failed call that really stores something stores it
                // again (or answers differently, because of what it stored); background work does not repeat itself.
                var replays = new List<string>();
                var explained = false;
                for (var attempt = 0; attempt < 3 && !explained; attempt++)
                {
                    var settled = await DatabaseSnapshot.SettledAsync(suite.Services);
                    var replay = await client.CallRawAsync(method, fuzz.Body, token);
                    var replayChanges = (await DatabaseSnapshot.TakeAsync(suite.Services)).ChangesSince(settled);
                    explained = replay.Status == outcome.Status && replayChanges.Count == 0;
                    replays.Add($"replay {attempt + 1}: {replay}, changes: [{string.Join(", ", replayChanges)}]");
                }
                if (explained)
                {
                    background++;
                }
                else
                {
                    problems.Add($"{fuzz}: failed with {outcome} but stored rows ({string.Join(", ", changes)}); {string.Join("; ", replays)}");
                }
                previousSucceeded = true; // settle again before the next call
            }
            before = after;
        }

        output.WriteLine($"{rpc}: seed {seed} (MAPPA_FUZZ_SEED={BaseSeed}), {Iterations} requests: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}"))}; background writes set aside: {background}");
        Assert.True(problems.Count == 0,
            $"{rpc} with MAPPA_FUZZ_SEED={BaseSeed} MAPPA_FUZZ_ITERATIONS={Iterations} (method seed {seed}):{Environment.NewLine}"
            + string.Join(Environment.NewLine, problems));
    }
}
