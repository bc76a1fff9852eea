using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Tests.Protocol;

public sealed class PercentEncodingTests
{
    [Fact]
    public void Printable_ascii_is_left_as_it_is()
    {
        const string text = "Subject 'subjects/42' was not found.";

        Assert.Same(text, PercentEncoding.Encode(text));
    }

    [Theory]
    [InlineData("100%", "100%25")]
    [InlineData("café", "caf%C3%A9")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("tab\t", "tab%09")]
    [InlineData("✓", "%E2%9C%93")]
    public void Encodes_percent_control_and_non_ascii_characters_as_utf8_escapes(string text, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(text));
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("Ünïcödé – 日本語 😀")]
    [InlineData("%%%25%")]
    [InlineData("a\r\nb\0c")]
    [InlineData("")]
    public void Round_trips(string text)
    {
        Assert.Equal(text, PercentEncoding.Decode(PercentEncoding.Encode(text)));
    }

    [Theory]
    [InlineData("50%", "50%")]
    [InlineData("%zz ok", "%zz ok")]
    [InlineData("%4", "%4")]
    [InlineData("%41%42", "AB")]
    [InlineData("%c3%a9", "é")]
    public void Malformed_escapes_are_kept_as_text_rather_than_dropped(string wire, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(wire));
    }
}
