using System.Reflection;
using Google.Protobuf.Reflection;

namespace Mappa.Cli.Infrastructure;

/// <summary>
/// Contract enums in the words people type and read: AGENCY_KIND_SOCIAL_WORK is SOCIAL_WORK, MAPPA_LEVEL_2 is 2.
/// The prefix is the zero value's name without UNSPECIFIED, as every enum in the contracts follows buf style.
/// </summary>
public static class EnumWords
{
    public static string Show<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = OriginalName(value);
        var prefix = Prefix<TEnum>();
        return name.StartsWith(prefix, StringComparison.Ordinal) && name.Length > prefix.Length ? name[prefix.Length..] : name;
    }

    /// <summary>Reads "social-work", "SOCIAL_WORK" or the full name; refuses UNSPECIFIED and unknown words.</summary>
    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        var wanted = text.Trim().Replace('-', '_').Replace(' ', '_').ToUpperInvariant();
        var prefix = Prefix<TEnum>();
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            var name = OriginalName(candidate);
            if (Convert.ToInt32(candidate, System.Globalization.CultureInfo.InvariantCulture) != 0 && (name == wanted || name == prefix + wanted))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    public static TEnum Parse<TEnum>(string text, string what) where TEnum : struct, Enum =>
        TryParse<TEnum>(text, out var value)
            ? value
            : throw new CliException(ExitCodes.InvalidArgument, $"{what}: '{text}' is not one of {string.Join(", ", Choices<TEnum>())}.");

    public static IEnumerable<string> Choices<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0).Select(Show);

    private static string Prefix<TEnum>() where TEnum : struct, Enum
    {
        var zero = OriginalName(default(TEnum));
        return zero.EndsWith("UNSPECIFIED", StringComparison.Ordinal) ? zero[..^"UNSPECIFIED".Length] : "";
    }

    private static string OriginalName<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var field = typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();
    }
}
