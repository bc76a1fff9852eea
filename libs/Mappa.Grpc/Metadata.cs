using System.Collections;
using System.Text;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc;

/// <summary>
/// gRPC metadata (custom headers or trailers). Keys are lower-case ASCII; keys ending in "-bin" carry
/// binary values (base64 on the wire), all others carry printable ASCII strings.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    public const string BinarySuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public void Add(string key, string value) => _entries.Add(Entry.Create(key, value));

    public void Add(string key, byte[] value) => _entries.Add(Entry.Create(key, value));

    public void Add(Entry entry) => _entries.Add(entry);

    /// <summary>The last string value for a key, or null.</summary>
    public string? GetValue(string key)
    {
        key = Entry.NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == key && !_entries[i].IsBinary)
            {
                return _entries[i].Value;
            }
        }
        return null;
    }

    /// <summary>The last binary value for a "-bin" key, or null.</summary>
    public byte[]? GetBytes(string key)
    {
        key = Entry.NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == key && _entries[i].IsBinary)
            {
                return _entries[i].ValueBytes;
            }
        }
        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _bytes;

        private Entry(string key, string? value, byte[]? bytes)
        {
            Key = key;
            _value = value;
            _bytes = bytes;
        }

        public string Key { get; }

        public bool IsBinary => _bytes is not null;

        /// <summary>The string value; for a binary entry, its base64 text.</summary>
        public string Value => _value ?? Convert.ToBase64String(_bytes!);

        /// <summary>The binary value; for a string entry, its ASCII bytes.</summary>
        public byte[] ValueBytes => _bytes ?? Encoding.ASCII.GetBytes(_value!);

        public static Entry Create(string key, string value)
        {
            key = NormalizeKey(key);
            if (key.EndsWith(BinarySuffix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' is binary: add a byte[] value.", nameof(key));
            }
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"Metadata value for '{key}' must be printable ASCII.", nameof(value));
                }
            }
            return new Entry(key, value, null);
        }

        public static Entry Create(string key, byte[] value)
        {
            key = NormalizeKey(key);
            if (!key.EndsWith(BinarySuffix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Binary metadata key '{key}' must end in '{BinarySuffix}'.", nameof(key));
            }
            return new Entry(key, null, value);
        }

        /// <summary>Builds an entry from a received header, or null if the key or value breaks gRPC's rules.</summary>
        internal static Entry? TryCreateFromWire(string key, string value)
        {
            if (!TryNormalizeKey(key, out var normalized))
            {
                return null;
            }
            if (normalized.EndsWith(BinarySuffix, StringComparison.Ordinal))
            {
                return Base64Wire.TryDecode(value, out var bytes) ? new Entry(normalized, null, bytes) : null;
            }
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    return null;
                }
            }
            return new Entry(normalized, value, null);
        }

        /// <summary>The value as sent on the wire: binary values as unpadded base64 (the spec's preferred form).</summary>
        internal string ToWireValue() => _bytes is null ? _value! : Base64Wire.EncodeUnpadded(_bytes);

        private static bool TryNormalizeKey(string key, out string normalized)
        {
            normalized = key;
            if (key.Length == 0)
            {
                return false;
            }
            var hasUpper = false;
            foreach (var c in key)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    hasUpper = true;
                }
                else if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    return false;
                }
            }
            if (hasUpper)
            {
                normalized = key.ToLowerInvariant();
            }
            return true;
        }

        internal static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var lower = key.ToLowerInvariant();
            foreach (var c in lower)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    throw new ArgumentException($"Metadata key '{key}' has a character gRPC does not allow.", nameof(key));
                }
            }
            return lower;
        }
    }
}
