using System.Security.Cryptography;
using System.Text;
using Mappa.Security.Development;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security;

/// <summary>
/// The signing keys a token may be verified with, parsed once from <see cref="MappaAuthOptions"/>. Each key is
/// bound to one algorithm, so a token cannot choose a weaker algorithm for a key (e.g. HS256 over a public key).
/// </summary>
public sealed class SigningKeyRing
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const int MinimumRsaBits = 2048;
    private const int MinimumSecretBytes = 32;

    private readonly Dictionary<string, AcceptedKey> _byKeyId;

    private SigningKeyRing(Dictionary<string, AcceptedKey> byKeyId)
    {
        _byKeyId = byKeyId;
        Algorithms = byKeyId.Values.Select(k => k.Algorithm).Distinct(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyCollection<string> KeyIds => _byKeyId.Keys;

    /// <summary>The algorithms of the configured keys; tokens in any other algorithm are refused outright.</summary>
    public IReadOnlyCollection<string> Algorithms { get; }

    /// <summary>Builds the ring, or throws listing every configuration problem at once.</summary>
    public static SigningKeyRing FromOptions(MappaAuthOptions options)
    {
        var (ring, problems) = Build(options, loadDevelopmentKey: true);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"{MappaAuthOptions.SectionName} is not valid:{Environment.NewLine}- " +
                string.Join(Environment.NewLine + "- ", problems));
        }
        return ring!;
    }

    /// <summary>Every problem with the options, without touching the development key file.</summary>
    public static IReadOnlyList<string> FindProblems(MappaAuthOptions options) =>
        Build(options, loadDevelopmentKey: false).Problems;

    /// <summary>The key with this id, only if it is meant for this algorithm.</summary>
    public SecurityKey? Find(string? keyId, string? algorithm)
    {
        if (keyId is null || algorithm is null || !_byKeyId.TryGetValue(keyId, out var key))
        {
            return null;
        }
        return string.Equals(key.Algorithm, algorithm, StringComparison.Ordinal) ? key.Key : null;
    }

    private static (SigningKeyRing? Ring, List<string> Problems) Build(MappaAuthOptions options, bool loadDevelopmentKey)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            problems.Add("Issuer is required.");
        }
        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            problems.Add("Audience is required.");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            problems.Add("ClockSkew must be between 0 and 5 minutes.");
        }

        var keys = new Dictionary<string, AcceptedKey>(StringComparer.Ordinal);
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            var configured = options.SigningKeys[i];
            var where = $"SigningKeys[{i}]";
            if (string.IsNullOrWhiteSpace(configured.KeyId))
            {
                problems.Add($"{where}: KeyId is required.");
                continue;
            }
            where = $"SigningKeys[{i}] ('{configured.KeyId}')";
            if (keys.ContainsKey(configured.KeyId))
            {
                problems.Add($"{where}: KeyId is used by another key.");
                continue;
            }
            if (!options.AllowDevelopmentKeys && configured.KeyId.StartsWith(DevelopmentKeys.KeyIdPrefix, StringComparison.Ordinal))
            {
                problems.Add($"{where}: is a development key, refused because AllowDevelopmentKeys is false.");
                continue;
            }
            var key = ParseKey(configured, options.AllowDevelopmentKeys, where, problems);
            if (key is not null)
            {
                keys.Add(configured.KeyId, new AcceptedKey(configured.Algorithm, key));
            }
        }

        if (!string.IsNullOrWhiteSpace(options.DevelopmentKeyDirectory))
        {
            if (!options.AllowDevelopmentKeys)
            {
                problems.Add("DevelopmentKeyDirectory is set but AllowDevelopmentKeys is false: development keys are refused.");
            }
            else if (loadDevelopmentKey)
            {
                var devKey = DevelopmentKeys.LoadOrCreate(options.DevelopmentKeyDirectory);
                if (!keys.TryAdd(devKey.KeyId, new AcceptedKey(devKey.Algorithm, devKey.CreatePublicSecurityKey())))
                {
                    problems.Add($"The development key id '{devKey.KeyId}' is also configured in SigningKeys.");
                }
            }
        }
        else if (options.SigningKeys.Count == 0)
        {
            problems.Add("At least one signing key is required (SigningKeys, or DevelopmentKeyDirectory in development).");
        }

        return (problems.Count == 0 ? new SigningKeyRing(keys) : null, problems);
    }

    private static SecurityKey? ParseKey(SigningKeyOptions configured, bool allowDevelopmentKeys, string where, List<string> problems)
    {
        switch (configured.Algorithm)
        {
            case SigningAlgorithms.ES256:
            case SigningAlgorithms.RS256:
                if (!string.IsNullOrEmpty(configured.Secret))
                {
                    problems.Add($"{where}: {configured.Algorithm} takes a public key, not a Secret.");
                    return null;
                }
                var pem = ReadPem(configured, where, problems);
                if (pem is null)
                {
                    return null;
                }
                return configured.Algorithm == SigningAlgorithms.ES256
                    ? ParseEcdsa(configured.KeyId, pem, where, problems)
                    : ParseRsa(configured.KeyId, pem, where, problems);

            case SigningAlgorithms.HS256:
                if (!allowDevelopmentKeys)
                {
                    problems.Add($"{where}: HS256 shared secrets are refused unless AllowDevelopmentKeys is true.");
                    return null;
                }
                if (string.IsNullOrEmpty(configured.Secret) || Encoding.UTF8.GetByteCount(configured.Secret) < MinimumSecretBytes)
                {
                    problems.Add($"{where}: HS256 needs a Secret of at least {MinimumSecretBytes} bytes.");
                    return null;
                }
                return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured.Secret)) { KeyId = configured.KeyId };

            default:
                problems.Add($"{where}: Algorithm must be {SigningAlgorithms.ES256}, {SigningAlgorithms.RS256} or {SigningAlgorithms.HS256}.");
                return null;
        }
    }

    private static string? ReadPem(SigningKeyOptions configured, string where, List<string> problems)
    {
        var hasInline = !string.IsNullOrWhiteSpace(configured.PublicKeyPem);
        var hasFile = !string.IsNullOrWhiteSpace(configured.PublicKeyFile);
        if (hasInline == hasFile)
        {
            problems.Add($"{where}: give exactly one of PublicKeyPem or PublicKeyFile.");
            return null;
        }
        string pem;
        if (hasInline)
        {
            pem = configured.PublicKeyPem!;
        }
        else
        {
            try
            {
                pem = File.ReadAllText(configured.PublicKeyFile!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{where}: cannot read PublicKeyFile ({e.GetType().Name}).");
                return null;
            }
        }
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            problems.Add($"{where}: the public key is not PEM.");
            return null;
        }
        var label = pem[fields.Label];
        if (label.Contains("PRIVATE", StringComparison.Ordinal))
        {
            // The server only verifies: a private key here means it was copied from the issuer by mistake.
            problems.Add($"{where}: is a private key; configure the public key only.");
            return null;
        }
        if (label is not ("PUBLIC KEY" or "RSA PUBLIC KEY"))
        {
            problems.Add($"{where}: expected a PEM 'PUBLIC KEY', found '{label}'.");
            return null;
        }
        return pem;
    }

    private static SecurityKey? ParseEcdsa(string keyId, string pem, string where, List<string> problems)
    {
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            if (ecdsa.ExportParameters(includePrivateParameters: false).Curve.Oid.Value != P256Oid)
            {
                problems.Add($"{where}: ES256 needs a P-256 key.");
                ecdsa.Dispose();
                return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problems.Add($"{where}: not a valid EC public key.");
            ecdsa.Dispose();
            return null;
        }
        return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
    }

    private static SecurityKey? ParseRsa(string keyId, string pem, string where, List<string> problems)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < MinimumRsaBits)
            {
                problems.Add($"{where}: RS256 needs a key of at least {MinimumRsaBits} bits.");
                rsa.Dispose();
                return null;
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problems.Add($"{where}: not a valid RSA public key.");
            rsa.Dispose();
            return null;
        }
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }

    private sealed record AcceptedKey(string Algorithm, SecurityKey Key);
}
