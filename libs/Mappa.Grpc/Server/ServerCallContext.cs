using System.Security.Claims;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;

namespace Mappa.Grpc.Server;

/// <summary>What a handler and the interceptors know about the call in progress.</summary>
public sealed class ServerCallContext
{
    public ServerCallContext(
        MethodDescriptor method,
        HttpContext httpContext,
        Metadata requestHeaders,
        DateTime? deadlineUtc,
        CancellationToken cancellationToken)
    {
        Method = method;
        HttpContext = httpContext;
        RequestHeaders = requestHeaders;
        DeadlineUtc = deadlineUtc;
        CancellationToken = cancellationToken;
    }

    public MethodDescriptor Method { get; }

    /// <summary>"/package.Service/Method", as on the wire.</summary>
    public string FullMethodName => $"/{Method.Service.FullName}/{Method.Name}";

    public HttpContext HttpContext { get; }

    public Metadata RequestHeaders { get; }

    /// <summary>Headers to send before the first message; frozen once the first message is written.</summary>
    public Metadata ResponseHeaders { get; } = [];

    public Metadata ResponseTrailers { get; } = [];

    /// <summary>The client's deadline (from grpc-timeout), if it sent one.</summary>
    public DateTime? DeadlineUtc { get; }

    /// <summary>Cancelled when the client cancels, disconnects, or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request message for unary and server-streaming calls (null for bidirectional streams).</summary>
    public IMessage? Request { get; set; }

    /// <summary>The authenticated caller; anonymous until the authentication interceptor runs.</summary>
    public ClaimsPrincipal User
    {
        get => HttpContext.User;
        set => HttpContext.User = value;
    }

    /// <summary>Per-call state shared between interceptors and handlers.</summary>
    public IDictionary<object, object?> Items => HttpContext.Items;

    /// <summary>
    /// The status the call ended with. The layer sets it whenever a handler or interceptor returns or throws (so an
    /// interceptor reads it right after <c>await next(context)</c>, whether that returned or threw), and once more
    /// with the final status just before the status is sent.
    /// </summary>
    public StatusCode? OutcomeStatus { get; set; }

    /// <summary>The remaining time before the deadline, or null if the client set none.</summary>
    public TimeSpan? TimeRemaining => DeadlineUtc is { } deadline ? (deadline > DateTime.UtcNow ? deadline - DateTime.UtcNow : TimeSpan.Zero) : null;

    /// <summary>The layer's state for this call; null for contexts built outside the server (e.g. in unit tests).</summary>
    internal Calls.ServerCall? Call { get; init; }
}
