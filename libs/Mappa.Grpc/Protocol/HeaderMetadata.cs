using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mappa.Grpc.Protocol;

/// <summary>Moves custom metadata between HTTP/2 headers and <see cref="Metadata"/>, skipping reserved names.</summary>
internal static class HeaderMetadata
{
    public static Metadata FromRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }
            foreach (var value in header.Value)
            {
                AddFromWire(metadata, header.Key, value);
            }
        }
        return metadata;
    }

    public static Metadata FromHttpHeaders(HttpHeaders headers, Metadata? into = null)
    {
        var metadata = into ?? new Metadata();
        foreach (var header in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(header.Key))
            {
                continue;
            }
            foreach (var value in header.Value)
            {
                AddFromWire(metadata, header.Key, value);
            }
        }
        return metadata;
    }

    public static void CopyTo(Metadata metadata, IHeaderDictionary target)
    {
        foreach (var entry in metadata)
        {
            if (GrpcProtocol.IsReservedHeader(entry.Key))
            {
                continue;
            }
            target[entry.Key] = StringValues.Concat(target[entry.Key], entry.ToWireValue());
        }
    }

    public static void CopyTo(Metadata metadata, HttpHeaders target)
    {
        foreach (var entry in metadata)
        {
            if (GrpcProtocol.IsReservedHeader(entry.Key))
            {
                continue;
            }
            target.TryAddWithoutValidation(entry.Key, entry.ToWireValue());
        }
    }

    private static void AddFromWire(Metadata metadata, string key, string? value)
    {
        if (value is null)
        {
            return;
        }
        // Repeated binary headers may arrive joined with commas (base64 never contains one).
        if (value.Contains(',') && key.EndsWith(Metadata.BinarySuffix, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                AddOne(metadata, key, part);
            }
            return;
        }
        AddOne(metadata, key, value);
    }

    private static void AddOne(Metadata metadata, string key, string value)
    {
        // A malformed header from a peer is dropped rather than failing the whole call.
        if (Metadata.Entry.TryCreateFromWire(key, value) is { } entry)
        {
            metadata.Add(entry);
        }
    }
}
