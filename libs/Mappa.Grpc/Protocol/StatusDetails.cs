using Google.Protobuf;

namespace Mappa.Grpc.Protocol;

/// <summary>grpc-status-details-bin: a serialized google.rpc.Status whose code and message match the plain status.</summary>
internal static class StatusDetails
{
    public static string Encode(StatusCode code, string message, Google.Rpc.Status details)
    {
        var consistent = details;
        if (details.Code != (int)code || details.Message != message)
        {
            consistent = details.Clone();
            consistent.Code = (int)code;
            consistent.Message = message;
        }
        return Base64Wire.EncodeUnpadded(consistent.ToByteArray());
    }

    public static Google.Rpc.Status? TryDecode(string? value)
    {
        if (string.IsNullOrEmpty(value) || !Base64Wire.TryDecode(value, out var bytes))
        {
            return null;
        }
        try
        {
            return Google.Rpc.Status.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static readonly string[] CodeStrings = BuildCodeStrings();

    /// <summary>The decimal text of a status code without allocating for the usual codes.</summary>
    public static string ToHeaderValue(StatusCode code) =>
        (uint)code < (uint)CodeStrings.Length ? CodeStrings[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] BuildCodeStrings()
    {
        var strings = new string[17];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return strings;
    }
}
