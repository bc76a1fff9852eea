namespace Mappa.Security.Tests.Support;

/// <summary>A clock that only moves when told to.</summary>
public sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2025, 3, 3, 10, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider() : this(DefaultStart)
    {
    }

    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
