using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>How one call ended, as the wire said it.</summary>
public sealed record CallOutcome(StatusCode Status, string Message, IReadOnlyList<IMessage> Responses, string Transport)
{
    public bool Ok => Status == StatusCode.OK;

    public override string ToString() => $"{Status} ({Message}){(Transport.Length > 0 ? " transport: " + Transport : "")}";
}

/// <summary>
/// A gRPC caller below the suite's own client: sends any bytes as the body of any method (so unknown fields,
/// garbage, truncated frames and oversized messages can be sent), reads every response message with the method's
/// output parser and the status from headers or trailers. Never throws for what the server answers; a broken
/// connection or a missing status is reported as <see cref="CallOutcome.Transport"/>.
/// </summary>
public sealed class RawGrpcCaller(Uri address) : IDisposable
{
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>Generous: CI machines are loaded, and a hang must be reported as such, not wait for ever.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Server-streaming calls are sent with this grpc-timeout: a stream that the handler accepted runs until then and
    /// ends DEADLINE_EXCEEDED (it ran); refusals come at once.
    /// </summary>
    public TimeSpan StreamDeadline { get; init; } = TimeSpan.FromSeconds(2);

    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[message.Length + 5];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)message.Length);
        message.CopyTo(framed.AsSpan(5));
        return framed;
    }

    public Task<CallOutcome> CallAsync(MethodDescriptor method, IMessage request, string? token) =>
        CallRawAsync(method, Frame(request.ToByteArray()), token);

    public async Task<CallOutcome> CallRawAsync(MethodDescriptor method, byte[] body, string? token)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/{method.Service.FullName}/{method.Name}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (method.IsServerStreaming)
        {
            request.Headers.TryAddWithoutValidation("grpc-timeout", $"{(long)StreamDeadline.TotalMilliseconds}m");
        }
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + token);
        }
        try
        {
            using var response = await _invoker.SendAsync(request, timeout.Token);
            if (Status(response.Headers) is { } trailersOnly)
            {
                return new CallOutcome(trailersOnly.Status, trailersOnly.Message, [], "");
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new CallOutcome(StatusCode.Unknown, "", [], $"HTTP {(int)response.StatusCode} without grpc-status");
            }
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var messages = new List<IMessage>();
            var transport = "";
            for (var offset = 0; offset < bytes.Length;)
            {
                if (bytes.Length - offset < 5)
                {
                    transport = "truncated response frame";
                    break;
                }
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 1));
                if (bytes[offset] != 0 || length > bytes.Length - offset - 5)
                {
                    transport = "malformed response frame";
                    break;
                }
                messages.Add(method.OutputType.Parser.ParseFrom(bytes, offset + 5, length));
                offset += 5 + length;
            }
            if (Status(response.TrailingHeaders) is { } status)
            {
                return new CallOutcome(status.Status, status.Message, messages, transport);
            }
            return new CallOutcome(StatusCode.Unknown, "", messages, "no grpc-status in headers or trailers");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new CallOutcome(StatusCode.Unknown, "", [], $"no answer within {CallTimeout.TotalSeconds:0} s (hang)");
        }
        catch (HttpRequestException failure)
        {
            return new CallOutcome(StatusCode.Unknown, "", [], "connection failed: " + Describe(failure));
        }
        catch (IOException failure)
        {
            return new CallOutcome(StatusCode.Unknown, "", [], "connection dropped: " + Describe(failure));
        }
    }

    public void Dispose() => _invoker.Dispose();

    private static string Describe(Exception failure)
    {
        var parts = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message}");
        }
        return string.Join(" <- ", parts);
    }

    private static (StatusCode Status, string Message)? Status(HttpHeaders headers)
    {
        if (!headers.TryGetValues("grpc-status", out var values))
        {
            return null;
        }
        var code = int.TryParse(values.First(), out var number) ? (StatusCode)number : StatusCode.Unknown;
        var message = headers.TryGetValues("grpc-message", out var messages) ? Uri.UnescapeDataString(messages.First()) : "";
        return (code, message);
    }
}
