using Google.Protobuf.WellKnownTypes;
using Mappa.Core.Errors;

namespace Mappa.Scheduling.Features;

/// <summary>
/// Timestamps and durations from requests, checked: protobuf's own conversions throw InvalidOperationException for
/// values outside their range (nanos over a second, seconds past year 9999), which would answer INTERNAL; a caller's
/// bad value is INVALID_ARGUMENT on its field.
/// </summary>
public static class ContractTime
{
    public static DateTimeOffset? Instant(Timestamp? value, string field)
    {
        if (value is null)
            return null;
        try
        {
            return value.ToDateTimeOffset();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw new ValidationFailedException(field, "Not a valid timestamp.");
        }
    }

    public static TimeSpan? Length(Duration? value, string field)
    {
        if (value is null)
            return null;
        try
        {
            return value.ToTimeSpan();
        }
        catch (Exception e) when (e is InvalidOperationException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new ValidationFailedException(field, "Not a valid duration.");
        }
    }
}
