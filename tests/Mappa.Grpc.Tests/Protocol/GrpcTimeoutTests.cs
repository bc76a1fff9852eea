using Mappa.Grpc.Protocol;

namespace Mappa.Grpc.Tests.Protocol;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("5S", 50_000_000L)]
    [InlineData("301m", 3_010_000L)]
    [InlineData("4968m", 49_680_000L)]
    [InlineData("250u", 2_500L)]
    [InlineData("1000n", 10L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parses_every_unit(string text, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Fact]
    public void Nanoseconds_below_one_tick_round_up_rather_than_to_zero()
    {
        Assert.True(GrpcTimeout.TryParse("1n", out var timeout));
        Assert.Equal(1, timeout.Ticks);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("10 S")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    [InlineData("１S")]
    public void Rejects_malformed_values(string? text)
    {
        Assert.False(GrpcTimeout.TryParse(text, out _));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(10_000L)]
    [InlineData(3_010_000L)]
    [InlineData(50_000_000L)]
    [InlineData(36_000_000_000L)]
    [InlineData(864_000_000_000_000L)]
    public void Format_round_trips_without_shortening_the_timeout(long ticks)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));

        Assert.InRange(text.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.True(parsed.Ticks >= ticks, $"{text} parsed to {parsed.Ticks} ticks, fewer than {ticks}");
    }

    [Fact]
    public void Format_uses_the_finest_unit_that_fits_in_eight_digits()
    {
        Assert.Equal("5000000n", GrpcTimeout.Format(TimeSpan.FromMilliseconds(5)));
        Assert.Equal("300000u", GrpcTimeout.Format(TimeSpan.FromMilliseconds(300)));
        Assert.Equal("30000000u", GrpcTimeout.Format(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Format_caps_at_the_largest_value_the_header_can_carry()
    {
        Assert.Equal("99999999H", GrpcTimeout.Format(TimeSpan.MaxValue));
    }
}
