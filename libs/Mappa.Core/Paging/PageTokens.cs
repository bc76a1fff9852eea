using System.Buffers.Text;
using System.Text;

namespace Mappa.Core.Paging;

/// <summary>
/// Opaque page tokens for keyset pagination: the sort key of the last item of a page, versioned and base64url-encoded
/// so that clients treat it as opaque and a token from elsewhere is rejected rather than misread.
/// </summary>
public static class PageTokens
{
    private const string Prefix = "p1:";
    private const int MaxKeyLength = 256;

    public static string Encode(string lastKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + lastKey));

    /// <summary>The key in <paramref name="token"/>, or null when it is empty or not a token this code issued.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxKeyLength * 2)
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith(Prefix, StringComparison.Ordinal) && text.Length > Prefix.Length ? text[Prefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
