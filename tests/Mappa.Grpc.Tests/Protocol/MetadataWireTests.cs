using System.Text;
using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Tests.Protocol;

public sealed class MetadataWireTests
{
    [Theory]
    [InlineData("AAEC")]
    [InlineData("AAECAw")]
    [InlineData("AAECAw==")]
    [InlineData("AAECAwQ")]
    [InlineData("AAECAwQ=")]
    public void Base64_is_accepted_padded_and_unpadded(string text)
    {
        Assert.True(Base64Wire.TryDecode(text, out var bytes));
        Assert.Equal(Convert.FromBase64String(text.PadRight((text.Length + 3) / 4 * 4, '=')), bytes);
    }

    [Fact]
    public void Base64_is_emitted_unpadded()
    {
        Assert.Equal("AAECAw", Base64Wire.EncodeUnpadded([0, 1, 2, 3]));
    }

    [Theory]
    [InlineData("A")]
    [InlineData("not base64!")]
    public void Invalid_base64_is_refused(string text)
    {
        Assert.False(Base64Wire.TryDecode(text, out _));
    }

    [Fact]
    public void Binary_entry_from_the_wire_is_decoded()
    {
        var entry = Metadata.Entry.TryCreateFromWire("Trace-Bin", "AAECAw");

        Assert.NotNull(entry);
        Assert.Equal("trace-bin", entry.Key);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, entry.ValueBytes);
        Assert.Equal("AAECAw", entry.ToWireValue());
    }

    [Theory]
    [InlineData("x-name", "caf\u00e9")]
    [InlineData("x name", "value")]
    [InlineData("x-bin", "%%%")]
    public void Malformed_entries_from_the_wire_are_dropped(string key, string value)
    {
        Assert.Null(Metadata.Entry.TryCreateFromWire(key, value));
    }

    [Fact]
    public void Text_entry_from_the_wire_keeps_its_value()
    {
        var entry = Metadata.Entry.TryCreateFromWire("x-request-id", "abc-123");

        Assert.Equal("abc-123", entry!.Value);
        Assert.Equal(Encoding.ASCII.GetBytes("abc-123"), entry.ValueBytes);
    }
}
