using System.Data.Common;
using System.Net.Sockets;

namespace Mappa.Grpc;

/// <summary>
/// A dependency that is down for a moment (the database restarting, a connection refused or broken, a command that
/// timed out) is UNAVAILABLE: the client may retry, unlike INTERNAL, which says the server is broken. Only the
/// exception chain's types are read (no provider package needed): a <see cref="DbException"/> that reports itself
/// transient (Npgsql does for connection and server-shutdown errors), a socket error, or a timeout.
/// </summary>
public static class TransientFailureMapping
{
    public const string Message = "A service dependency is temporarily unavailable; retry the call.";

    /// <summary>UNAVAILABLE when <paramref name="exception"/> or an inner exception is a transient failure, else null.</summary>
    public static RpcException? TryMap(Exception exception) =>
        IsTransient(exception) ? new RpcException(StatusCode.Unavailable, Message, null, null, exception) : null;

    /// <summary>
    /// What Npgsql says, with no inner exception, when a command is sent on a transaction or connection that the server
    /// ended underneath it (found by the PostgreSQL restart test: the audit append after a shutdown mid-save).
    /// </summary>
    private static readonly HashSet<string> BrokenConnectionMessages = new(StringComparer.Ordinal)
    {
        "Transaction is already completed",
        "Connection is not open",
    };

    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DbException { IsTransient: true }:
                case SocketException:
                case TimeoutException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
                case InvalidOperationException { InnerException: null } broken when BrokenConnectionMessages.Contains(broken.Message):
                    return true;
            }
        }
        return false;
    }
}
