using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Mappa.Grpc.Client;
using Mappa.Grpc.Protocol;
using Mappa.Grpc.Tests.Contracts;
using Mappa.Grpc.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace Mappa.Grpc.Tests.Robustness;

/// <summary>
/// Thousands of broken, truncated, oversized and garbage requests: every one must get a gRPC status (or a plain HTTP
/// refusal such as 415), nothing may be logged as an unexpected error, and the server must keep serving.
/// </summary>
public sealed class MalformedTrafficTests : IAsyncLifetime
{
    private const int MaxReceive = 16 * 1024;
    private static readonly string[] Paths =
    [
        "/mappa.grpctest.v1.EchoService/Echo",
        "/mappa.grpctest.v1.EchoService/Echo",
        "/mappa.grpctest.v1.EchoService/Chat",
        "/mappa.grpctest.v1.EchoService/NotBound",
        "/mappa.grpctest.v1.EchoService/NoSuchMethod",
        "/no.such.Service/Method",
        "/grpc.health.v1.Health/Check",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ];

    private TestGrpcServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestGrpcServer.StartAsync(configureGrpc: options => options.MaxReceiveMessageSize = MaxReceive);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Thousands_of_malformed_requests_each_get_a_status_and_the_server_keeps_serving()
    {
        var random = new Random(20_240_611);
        var cases = Enumerable.Range(0, 3000).Select(_ => MalformedCase.Create(random)).ToList();
        var outcomes = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();

        // Batches of 100 per connection, as from many clients: Kestrel keeps each stream answered before its request
        // body finished (most of these) tracked for a drain period, and refuses new streams on a connection tracking
        // more than 200 (ENHANCE_YOUR_CALM, its HTTP/2 rapid-reset defence) - a limit of Kestrel's, not of this layer.
        await Parallel.ForEachAsync(cases.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, _) =>
        {
            using var client = _server.CreateRawClient();
            foreach (var item in batch)
            {
                await SendOneAsync(client, item);
            }
        });

        async Task SendOneAsync(HttpClient client, MalformedCase item)
        {
            try
            {
                using var request = item.ToRequest();
                using var response = await client.SendAsync(request);
                var (status, _, _) = await RawGrpc.ReadAsync(response);
                var outcome = response.StatusCode switch
                {
                    HttpStatusCode.OK when status is >= 0 and <= 16 => ((StatusCode)status.Value).ToString(),
                    HttpStatusCode.UnsupportedMediaType or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound => $"HTTP {(int)response.StatusCode}",
                    _ => null,
                };
                if (outcome is null)
                {
                    failures.Enqueue($"{item}: HTTP {(int)response.StatusCode}, grpc-status {status?.ToString() ?? "missing"}");
                }
                else
                {
                    outcomes.AddOrUpdate(outcome, 1, (_, count) => count + 1);
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"{item}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(20)));
        // The generator really reached the interesting paths, not just one of them.
        foreach (var expected in new[] { "OK", "Internal", "ResourceExhausted", "Unimplemented", "HTTP 415" })
        {
            Assert.True(outcomes.ContainsKey(expected), $"no case ended {expected}; outcomes: {string.Join(", ", outcomes)}");
        }
        AssertNoUnexpectedErrorsLogged();
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Clients_that_vanish_mid_message_do_not_hurt_the_server()
    {
        using var client = _server.CreateRawClient();
        var frame = RawGrpc.Frame(new EchoRequest { Text = "never finished", Payload = EchoHandlers.Bytes(2000) });

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var cancellation = new CancellationTokenSource();
            var content = new StallingContent(frame[..(1 + (i % (frame.Length - 1)))], cancellation);
            using var request = RawGrpc.Request(i % 2 == 0 ? "/mappa.grpctest.v1.EchoService/Echo" : "/mappa.grpctest.v1.EchoService/Chat", []);
            request.Content = content;
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(request, cancellation.Token));
        });

        AssertNoUnexpectedErrorsLogged();
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Connections_that_send_garbage_instead_of_http2_are_dropped_and_the_server_keeps_serving()
    {
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(_server.Address.Host, _server.Address.Port);
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            var stream = socket.GetStream();
            await stream.WriteAsync(garbage);
            // Half-close so a garbage preface shorter than HTTP/2's is not left waiting for more bytes.
            socket.Client.Shutdown(SocketShutdown.Send);
            // Kestrel answers with GOAWAY or just closes; either way reading ends.
            var buffer = new byte[1024];
            using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                while (await stream.ReadAsync(buffer, failsafe.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A reset connection is a fine way to refuse garbage.
            }
        }

        AssertNoUnexpectedErrorsLogged();
        await AssertStillServesAsync();
    }

    private void AssertNoUnexpectedErrorsLogged()
    {
        var errors = _server.Logs.Entries.Where(e => e.Level >= LogLevel.Error && e.Category.StartsWith("Mappa", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Take(5).Select(e => $"{e.Message} {e.Exception}")));
    }

    private async Task AssertStillServesAsync()
    {
        using var channel = _server.CreateChannel();
        var response = await channel.UnaryAsync<EchoRequest, EchoResponse>(TestContract.Echo, new EchoRequest { Text = "still serving" });
        Assert.Equal("still serving", response.Text);
    }

    /// <summary>One generated request: path, content type, headers and body bytes.</summary>
    private sealed record MalformedCase(string Kind, string Path, string ContentType, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
    {
        public static MalformedCase Create(Random random)
        {
            var path = Paths[random.Next(Paths.Length)];
            var contentType = random.Next(20) switch
            {
                0 => "application/json",
                1 => "application/grpc-web",
                2 => "application/grpc+proto",
                _ => "application/grpc",
            };
            var headers = new List<(string, string)>();
            if (random.Next(8) == 0)
            {
                headers.Add(("grpc-timeout", random.Next(3) == 0 ? RandomAscii(random, 1, 12) : $"{random.Next(1, 40)}m"));
            }
            if (random.Next(8) == 0)
            {
                headers.Add(("x-junk-bin", RandomAscii(random, 0, 20)));
            }
            var kind = random.Next(7);
            byte[] body;
            switch (kind)
            {
                case 0:
                    // Random bytes: almost never a valid frame.
                    body = RandomBytes(random, random.Next(0, 40));
                    break;
                case 1:
                    // A prefix declaring any length (often huge), followed by fewer or more bytes than declared.
                    var declared = random.Next(3) == 0 ? (uint)random.NextInt64(0, uint.MaxValue) : (uint)random.Next(0, 2 * MaxReceive);
                    body = RawGrpc.Frame(RandomBytes(random, random.Next(0, 3000)), declaredLength: declared);
                    break;
                case 2:
                    // A well-formed frame around garbage protobuf.
                    body = RawGrpc.Frame(RandomBytes(random, random.Next(0, 300)));
                    break;
                case 3:
                    // A valid message, then a cut-off second frame.
                    var valid = RawGrpc.Frame(new EchoRequest { Text = "ok" });
                    var second = RawGrpc.Frame(new EchoRequest { Text = "cut" });
                    body = [.. valid, .. second[..random.Next(0, second.Length)]];
                    break;
                case 4:
                    // Compressed messages: good gzip, truncated gzip or not gzip at all, under any declared encoding.
                    var plain = new EchoRequest { Text = RandomAscii(random, 0, 200) }.ToByteArray();
                    var gzip = MessageCompression.Compress(plain);
                    var payload = random.Next(3) switch
                    {
                        0 => gzip,
                        1 => gzip[..random.Next(0, gzip.Length)],
                        _ => RandomBytes(random, random.Next(0, 100)),
                    };
                    var encodings = new[] { "gzip", "identity", "snappy", "deflate", "" };
                    var encoding = encodings[random.Next(encodings.Length)];
                    if (encoding.Length > 0)
                    {
                        headers.Add(("grpc-encoding", encoding));
                    }
                    body = RawGrpc.Frame(payload, compressedFlag: true);
                    break;
                case 5:
                    // Several valid messages: fine for Chat, a cardinality violation for unary.
                    body = [.. Enumerable.Range(0, random.Next(0, 5)).SelectMany(i => RawGrpc.Frame(new EchoRequest { Text = $"m{i}" }))];
                    break;
                default:
                    // A valid message larger than the server accepts.
                    body = RawGrpc.Frame(new EchoRequest { Payload = ByteString.CopyFrom(RandomBytes(random, MaxReceive + random.Next(1, 5000))) });
                    break;
            }
            return new MalformedCase($"kind {kind}", path, contentType, headers, body);
        }

        public HttpRequestMessage ToRequest()
        {
            var request = RawGrpc.Request(Path, Body, ContentType);
            foreach (var (name, value) in Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            return request;
        }

        public override string ToString() =>
            $"{Kind} {Path} [{ContentType}] {string.Join(" ", Headers.Select(h => $"{h.Name}={h.Value}"))} body {Body.Length} bytes: {Convert.ToHexString(Body.AsSpan(0, Math.Min(Body.Length, 16)))}";

        private static byte[] RandomBytes(Random random, int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        private static string RandomAscii(Random random, int minLength, int maxLength) =>
            new([.. Enumerable.Range(0, random.Next(minLength, maxLength)).Select(_ => (char)random.Next(0x21, 0x7F))]);
    }

    /// <summary>Sends part of a body, then cancels the request as if the client crashed mid-message.</summary>
    private sealed class StallingContent(byte[] prefix, CancellationTokenSource cancellation) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(prefix);
            await stream.FlushAsync();
            await cancellation.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellation.Token);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
