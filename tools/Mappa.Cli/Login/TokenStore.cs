using System.Text;
using System.Text.Json;
using Mappa.Cli.Infrastructure;
using Mappa.Security;

namespace Mappa.Cli.Login;

/// <summary>~/.mappa/token: one bearer token, readable by its owner only (the folder 0700, the file 0600).</summary>
public sealed class TokenStore(string homeDirectory)
{
    public string Directory { get; } = Path.Combine(homeDirectory, ".mappa");

    public string TokenPath => Path.Combine(Directory, "token");

    public string? Read() => File.Exists(TokenPath) ? NonEmpty(File.ReadAllText(TokenPath).Trim()) : null;

    public void Save(string token)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Create with owner-only rights from the start, so the token is never readable by others, not even briefly.
        var temporary = TokenPath + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
        }
        File.Move(temporary, TokenPath, overwrite: true);
    }

    public bool Delete()
    {
        if (!File.Exists(TokenPath))
        {
            return false;
        }
        File.Delete(TokenPath);
        return true;
    }

    /// <summary>A token from a file someone else wrote (e.g. an identity provider's output); checked to look like a JWT.</summary>
    public static string ReadTokenFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"cannot read token file '{path}': {e.Message}");
        }
        if (TokenClaims.TryRead(text) is null)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' does not hold a JWT bearer token (header.payload.signature).");
        }
        return text;
    }

    private static string? NonEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>What a token says about itself, read without checking the signature: for showing, never for trusting.</summary>
public sealed record TokenClaims(string Subject, IReadOnlyList<string> Roles, IReadOnlyList<string> Areas, DateTimeOffset? Expires)
{
    public static TokenClaims? TryRead(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            var root = document.RootElement;
            return new TokenClaims(
                root.TryGetProperty(MappaClaims.Subject, out var sub) ? sub.GetString() ?? "" : "",
                Strings(root, MappaClaims.Roles),
                Strings(root, MappaClaims.Areas),
                root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value))
            {
                return value.ValueKind == JsonValueKind.Array
                    ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()
                    : [value.GetString() ?? ""];
            }
        }
        return [];
    }
}
