namespace Mappa.Grpc.Protocol;

/// <summary>Base64 for "-bin" metadata and status details: accept padded and unpadded, emit unpadded.</summary>
internal static class Base64Wire
{
    public static string EncodeUnpadded(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        var trimmed = text.AsSpan().Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding == 3)
        {
            return false;
        }
        Span<char> padded = trimmed.Length + padding <= 1024 ? stackalloc char[trimmed.Length + padding] : new char[trimmed.Length + padding];
        trimmed.CopyTo(padded);
        padded[trimmed.Length..].Fill('=');
        var buffer = new byte[(padded.Length / 4) * 3];
        if (!Convert.TryFromBase64Chars(padded, buffer, out var written))
        {
            return false;
        }
        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }
}
