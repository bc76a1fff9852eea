using Mappa.Grpc.Server;

namespace Mappa.Security;

/// <summary>
/// The call's correlation id: the client's <c>x-request-id</c> when it is a plausible id, otherwise a new one.
/// Echoed to the client as a response header. Any interceptor may ask first; the answer is the same for the call.
/// </summary>
public static class RequestIds
{
    public const string HeaderName = "x-request-id";
    public const int MaximumLength = 128;

    private static readonly object ItemKey = new();

    public static string GetOrCreate(ServerCallContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var existing) && existing is string known)
        {
            return known;
        }
        var fromClient = context.RequestHeaders.GetValue(HeaderName);
        var id = IsPlausible(fromClient) ? fromClient! : Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        context.ResponseHeaders.Add(HeaderName, id);
        return id;
    }

    /// <summary>Whether <paramref name="id"/> looks like an id (letters, digits, - _ . :, at most 128): safe for logs and audit rows.</summary>
    public static bool IsPlausibleId(string? id) => IsPlausible(id);

    // The id goes into logs and audit records: refuse anything that could smuggle text into them.
    internal static bool IsPlausible(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaximumLength)
        {
            return false;
        }
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return false;
            }
        }
        return true;
    }
}
