using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Client;

/// <summary>
/// One gRPC call from the client: its deadline and cancellation, its attempts, and reading the messages and the
/// final status of the current attempt. Every failure surfaces as an <see cref="RpcException"/>.
/// </summary>
internal sealed class ClientCall : IDisposable
{
    internal const string PushbackDataKey = "grpc-retry-pushback-ms";

    private readonly GrpcChannel _channel;
    private readonly MethodDescriptor _method;
    private readonly byte[] _framedRequest;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callCts;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private Stream? _body;
    private bool _statusReceived;

    public ClientCall(GrpcChannel channel, MethodDescriptor method, byte[] framedRequest, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _framedRequest = framedRequest;
        _options = options;
        DeadlineUtc = options.DeadlineUtc ?? DefaultDeadline(channel.Options.DefaultDeadline);
        _callCts = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        var remaining = DeadlineUtc - DateTime.UtcNow;
        if (DeadlineUtc != DateTime.MaxValue && remaining < TimeSpan.FromDays(30))
        {
            _callCts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }
    }

    public DateTime DeadlineUtc { get; }

    public Metadata ResponseHeaders { get; private set; } = [];

    public Metadata Trailers { get; private set; } = [];

    private CancellationToken Token => _callCts.Token;

    /// <summary>Sends the request and waits for the response headers. Throws for any failure or a trailers-only non-OK status.</summary>
    public async Task StartAttemptAsync()
    {
        ReleaseAttempt();
        try
        {
            if (DeadlineUtc <= DateTime.UtcNow)
            {
                throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            }
            using var request = await CreateRequestAsync().ConfigureAwait(false);
            _response = await _channel.Invoker.SendAsync(request, Token).ConfigureAwait(false);
            var response = _response;
            ResponseHeaders = HeaderMetadata.FromHttpHeaders(response.Headers);

            if (TryReadStatus(response.Headers, out var trailersOnly))
            {
                // Trailers-only: the whole answer is in the headers.
                _statusReceived = true;
                Trailers = ResponseHeaders;
                ThrowIfNotOk(trailersOnly);
                return;
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new RpcException(FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
            }
            if (!GrpcProtocol.IsGrpcContentType(response.Content.Headers.ContentType?.MediaType))
            {
                throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Content-Type is '{response.Content.Headers.ContentType}'.");
            }
            _body = await response.Content.ReadAsStreamAsync(Token).ConfigureAwait(false);
            var encoding = response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.ToString() : null;
            _reader = new MessageReader(
                PipeReader.Create(_body, new StreamPipeReaderOptions(leaveOpen: true)),
                _channel.Options.MaxReceiveMessageSize,
                encoding,
                "response");
        }
        catch (Exception ex)
        {
            throw Map(ex);
        }
    }

    /// <summary>The next response message, or null once the call ended with OK. Throws the status otherwise.</summary>
    public async ValueTask<IMessage?> ReadMessageAsync()
    {
        if (_statusReceived)
        {
            return null;
        }
        try
        {
            var message = await _reader!.ReadAsync(_method.OutputType.Parser, Token).ConfigureAwait(false);
            if (message is not null)
            {
                return message;
            }
            // The body ended: the status is in the trailers.
            _statusReceived = true;
            var trailers = _response!.TrailingHeaders;
            Trailers = HeaderMetadata.FromHttpHeaders(trailers);
            if (!TryReadStatus(trailers, out var status))
            {
                throw new RpcException(StatusCode.Internal, "The response ended without a grpc-status.", null, Trailers);
            }
            ThrowIfNotOk(status);
            return null;
        }
        catch (Exception ex)
        {
            throw Map(ex);
        }
    }

    public async Task<TResponse> ReadSingleResponseAsync<TResponse>()
        where TResponse : class
    {
        var message = await ReadMessageAsync().ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Unimplemented, "The server ended a unary call with OK but sent no response message.", null, Trailers);
        if (await ReadMessageAsync().ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Unimplemented, "The server sent more than one response message for a unary call.");
        }
        return (TResponse)message;
    }

    /// <summary>How long to wait before another attempt after <paramref name="failure"/>, or null if none may follow.</summary>
    public TimeSpan? RetryDelay(RpcException failure, int attemptsMade, TimeSpan backoff)
    {
        var policy = _channel.Options.RetryPolicy;
        if (failure.StatusCode != StatusCode.Unavailable || attemptsMade >= policy.MaxAttempts || _options.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        TimeSpan delay;
        if (failure.Data[PushbackDataKey] is string pushback)
        {
            if (!int.TryParse(pushback, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds))
            {
                return null;
            }
            delay = TimeSpan.FromMilliseconds(milliseconds);
        }
        else
        {
            delay = backoff * (0.8 + (Random.Shared.NextDouble() * 0.4));
        }
        return DateTime.UtcNow + delay < DeadlineUtc ? delay : null;
    }

    public async Task DelayBeforeRetryAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Map(ex);
        }
    }

    public void Dispose()
    {
        ReleaseAttempt();
        _callCts.Dispose();
    }

    private void ReleaseAttempt()
    {
        // Disposing an unfinished response resets the HTTP/2 stream (RST_STREAM CANCEL), so the server stops too.
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
        _reader = null;
        _statusReceived = false;
        ResponseHeaders = [];
        Trailers = [];
    }

    private async Task<HttpRequestMessage> CreateRequestAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new GrpcRequestContent(_framedRequest),
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        headers.TryAddWithoutValidation("user-agent", _channel.Options.UserAgent);
        if (DeadlineUtc != DateTime.MaxValue)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(DeadlineUtc - DateTime.UtcNow));
        }
        var custom = _options.Headers;
        if (custom is not null)
        {
            HeaderMetadata.CopyTo(custom, headers);
        }
        if (_channel.Options.BearerTokenProvider is { } tokenProvider && custom?.GetValue("authorization") is null)
        {
            var token = await tokenProvider(Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(token))
            {
                headers.TryAddWithoutValidation("authorization", "Bearer " + token);
            }
        }
        return request;
    }

    private RpcException Map(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }
        if (_options.CancellationToken.IsCancellationRequested)
        {
            return new RpcException(StatusCode.Cancelled, "The call was cancelled by the caller.", null, null, exception);
        }
        if (_callCts.IsCancellationRequested || DeadlineUtc <= DateTime.UtcNow)
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded", null, null, exception);
        }
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return new RpcException(FromHttp2ErrorCode(protocol.ErrorCode), $"The HTTP/2 stream was reset (error code {protocol.ErrorCode}).", null, null, exception);
            }
        }
        return exception switch
        {
            HttpRequestException or IOException or System.Net.Sockets.SocketException =>
                new RpcException(StatusCode.Unavailable, $"The server could not be reached or the connection failed: {exception.Message}", null, null, exception),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "The call was cancelled.", null, null, exception),
            _ => new RpcException(StatusCode.Internal, $"The call failed in the client: {exception.GetType().Name}.", null, null, exception),
        };
    }

    private void ThrowIfNotOk(ReceivedStatus status)
    {
        if (status.Code == StatusCode.OK)
        {
            return;
        }
        var exception = new RpcException(status.Code, status.Message, status.Details, Trailers);
        if (status.Pushback is not null)
        {
            exception.Data[PushbackDataKey] = status.Pushback;
        }
        throw exception;
    }

    private static bool TryReadStatus(System.Net.Http.Headers.HttpHeaders headers, out ReceivedStatus status)
    {
        status = default;
        var values = headers.NonValidated;
        if (!values.TryGetValues(GrpcProtocol.StatusHeader, out var statusText))
        {
            return false;
        }
        var message = values.TryGetValues(GrpcProtocol.MessageHeader, out var messageText) ? PercentEncoding.Decode(messageText.ToString()) : string.Empty;
        var details = values.TryGetValues(GrpcProtocol.StatusDetailsHeader, out var detailsText) ? StatusDetails.TryDecode(detailsText.ToString()) : null;
        var pushback = values.TryGetValues(GrpcProtocol.RetryPushbackHeader, out var pushbackText) ? pushbackText.ToString() : null;
        if (!int.TryParse(statusText.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            // The spec's answer to an unparseable status.
            status = new ReceivedStatus(StatusCode.Unknown, $"Could not parse grpc-status '{statusText}'. {message}".Trim(), null, null);
            return true;
        }
        status = new ReceivedStatus((StatusCode)code, message, details, pushback);
        return true;
    }

    /// <summary>grpc/doc/http-grpc-status-mapping.md: for responses that carry no grpc-status.</summary>
    internal static StatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>PROTOCOL-HTTP2.md "Errors": RST_STREAM codes to statuses.</summary>
    internal static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM: not processed, safe to retry
        0x8 => StatusCode.Cancelled,
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    private static DateTime DefaultDeadline(TimeSpan defaultDeadline) =>
        defaultDeadline == Timeout.InfiniteTimeSpan || defaultDeadline <= TimeSpan.Zero ? DateTime.MaxValue : DateTime.UtcNow + defaultDeadline;

    private readonly record struct ReceivedStatus(StatusCode Code, string Message, Google.Rpc.Status? Details, string? Pushback);
}
