using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mappa.Security.Development;

/// <summary>The local development key pair (see <see cref="DevelopmentKeys"/>).</summary>
public sealed class DevelopmentSigningKey : IDisposable
{
    private readonly ECDsa _privateKey;

    internal DevelopmentSigningKey(string keyId, ECDsa privateKey, string filePath)
    {
        KeyId = keyId;
        _privateKey = privateKey;
        FilePath = filePath;
        PublicKeyPem = privateKey.ExportSubjectPublicKeyInfoPem();
    }

    public string KeyId { get; }

    public string Algorithm => SigningAlgorithms.ES256;

    public string PublicKeyPem { get; }

    /// <summary>Where the key pair is stored.</summary>
    public string FilePath { get; }

    /// <summary>The configuration entry that makes a server accept tokens signed with this key.</summary>
    public SigningKeyOptions ToSigningKeyOptions() =>
        new() { KeyId = KeyId, Algorithm = Algorithm, PublicKeyPem = PublicKeyPem };

    internal SecurityKey CreatePublicSecurityKey()
    {
        var publicKey = ECDsa.Create();
        publicKey.ImportFromPem(PublicKeyPem);
        return new ECDsaSecurityKey(publicKey) { KeyId = KeyId };
    }

    internal SigningCredentials CreateSigningCredentials() =>
        new(new ECDsaSecurityKey(_privateKey) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha256);

    public void Dispose() => _privateKey.Dispose();
}
