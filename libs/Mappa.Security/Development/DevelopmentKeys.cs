using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mappa.Security.Development;

/// <summary>
/// The local development signing key: an ES256 key pair created once and kept in a file, so the embedded host
/// and the <c>token</c> command agree on it across runs. Its key id starts with <see cref="KeyIdPrefix"/>, which
/// production configuration refuses.
/// </summary>
public static class DevelopmentKeys
{
    public const string KeyIdPrefix = "mappa-dev-";
    public const string FileName = "dev-signing-key.json";

    /// <summary>~/.mappa</summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mappa");

    /// <summary>Loads the key from <paramref name="directory"/>, creating it (and the directory) on first use.</summary>
    public static DevelopmentSigningKey LoadOrCreate(string? directory = null)
    {
        directory = string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory;
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            return Load(path);
        }

        CreateOwnerOnlyDirectory(directory);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var stored = new StoredKey
        {
            KeyId = KeyIdPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant(),
            Algorithm = SigningAlgorithms.ES256,
            PrivateKeyPem = ecdsa.ExportPkcs8PrivateKeyPem(),
            PublicKeyPem = ecdsa.ExportSubjectPublicKeyInfoPem(),
            CreatedAt = DateTimeOffset.UtcNow,
        };

        // Write aside, then move into place without overwriting: if two processes race, both end up with the
        // same (first) key instead of each signing with a key the other does not know.
        var temporary = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        WriteOwnerOnly(temporary, JsonSerializer.Serialize(stored, StoredKeyJson.Default.StoredKey));
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }
        return Load(path);
    }

    private static DevelopmentSigningKey Load(string path)
    {
        var stored = JsonSerializer.Deserialize(File.ReadAllText(path), StoredKeyJson.Default.StoredKey)
            ?? throw new InvalidOperationException($"The development key file '{path}' is empty.");
        if (stored.Algorithm != SigningAlgorithms.ES256
            || !stored.KeyId.StartsWith(KeyIdPrefix, StringComparison.Ordinal)
            || string.IsNullOrEmpty(stored.PrivateKeyPem))
        {
            throw new InvalidOperationException(
                $"The development key file '{path}' is not an ES256 development key; delete it to create a new one.");
        }
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(stored.PrivateKeyPem);
        return new DevelopmentSigningKey(stored.KeyId, ecdsa, path);
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void WriteOwnerOnly(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(path, options);
        writer.Write(contents);
    }

    internal sealed class StoredKey
    {
        public string KeyId { get; set; } = "";
        public string Algorithm { get; set; } = "";
        public string PrivateKeyPem { get; set; } = "";
        public string PublicKeyPem { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DevelopmentKeys.StoredKey))]
internal sealed partial class StoredKeyJson : JsonSerializerContext;
