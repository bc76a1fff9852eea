using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mappa.Core.Errors;

namespace Mappa.Scheduling.Features.Invitations;

/// <summary>
/// Writes a booked conference as an iCalendar object (RFC 5545): one VEVENT with UID, DTSTAMP, DTSTART/DTEND in UTC,
/// a summary without personal detail, location or online link, and an ATTENDEE per invited agency mailbox. Lines end
/// in CRLF and are folded at 75 octets without splitting a UTF-8 character; TEXT values are escaped.
/// </summary>
public sealed partial class ICalendarWriter(TimeProvider clock, string uidDomain = "mappa.invalid")
{
    public const string MediaType = "text/calendar";
    private const int MaxLineOctets = 75;
    private const string Crlf = "\r\n";

    /// <summary>The Content-Type header for what <see cref="Write"/> produced (METHOD must be repeated there, RFC 5546 §6.2).</summary>
    public static string ContentTypeFor(ConferenceInvitation invitation) =>
        MethodOf(invitation) is { } method ? $"{MediaType}; charset=utf-8; method={method}" : $"{MediaType}; charset=utf-8";

    public byte[] WriteUtf8(ConferenceInvitation invitation) => Encoding.UTF8.GetBytes(Write(invitation));

    public string Write(ConferenceInvitation invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        Validate(invitation);

        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//MAPPA Suite//Scheduling//EN",
            "CALSCALE:GREGORIAN",
        };
        if (MethodOf(invitation) is { } method)
            lines.Add($"METHOD:{method}");

        lines.Add("BEGIN:VEVENT");
        lines.Add($"UID:{EscapeText($"{invitation.ConferenceId}@{uidDomain}")}");
        lines.Add($"DTSTAMP:{UtcDateTime(clock.GetUtcNow())}");
        lines.Add($"SEQUENCE:{invitation.Sequence.ToString(CultureInfo.InvariantCulture)}");
        lines.Add($"DTSTART:{UtcDateTime(invitation.Start)}");
        lines.Add($"DTEND:{UtcDateTime(invitation.End)}");
        lines.Add($"SUMMARY:{EscapeText(invitation.Summary)}");
        lines.Add("CLASS:CONFIDENTIAL");
        lines.Add($"STATUS:{(invitation.Cancelled ? "CANCELLED" : "CONFIRMED")}");
        lines.Add("TRANSP:OPAQUE");

        string? location = invitation.Location ?? invitation.OnlineMeetingLink?.AbsoluteUri;
        if (!string.IsNullOrWhiteSpace(location))
            lines.Add($"LOCATION:{EscapeText(location)}");
        if (invitation.OnlineMeetingLink is { } link)
            lines.Add($"URL:{link.AbsoluteUri}");   // URI value type: not TEXT, so not escaped (validated instead)

        if (invitation.Organizer is { } organizer)
            lines.Add($"ORGANIZER;CN={QuoteParameter(organizer.DisplayName)}:mailto:{organizer.Email}");
        foreach (var attendee in invitation.Attendees)
        {
            string role = attendee.Required ? "REQ-PARTICIPANT" : "OPT-PARTICIPANT";
            lines.Add($"ATTENDEE;CUTYPE=GROUP;ROLE={role};PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={QuoteParameter(attendee.AgencyName)}:mailto:{attendee.Email}");
        }

        lines.Add("END:VEVENT");
        lines.Add("END:VCALENDAR");

        var output = new StringBuilder();
        foreach (var line in lines)
            AppendFolded(output, line);
        return output.ToString();
    }

    private static string? MethodOf(ConferenceInvitation invitation) =>
        invitation.Organizer is null ? null : invitation.Cancelled ? "CANCEL" : "REQUEST";   // iTIP methods need an ORGANIZER

    private static void Validate(ConferenceInvitation invitation)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(invitation.ConferenceId) || invitation.ConferenceId.Any(char.IsControl))
            violations.Add(new("conference_id", "Required, without control characters."));
        if (invitation.End <= invitation.Start)
            violations.Add(new("end", "The conference must end after it starts."));
        if (invitation.MappaLevel is < 1 or > 3)
            violations.Add(new("mappa_level", "Must be 1, 2 or 3."));
        if (invitation.Sequence < 0)
            violations.Add(new("sequence", "Cannot be negative."));
        if (invitation.OnlineMeetingLink is { } link && (!link.IsAbsoluteUri || link.Scheme is not ("https" or "http")))
            violations.Add(new("online_meeting_link", "Must be an absolute http(s) link."));
        if (invitation.Organizer is { } organizer && !IsMailbox(organizer.Email))
            violations.Add(new("organizer.email", "Not a mailbox address."));
        for (int i = 0; i < invitation.Attendees.Count; i++)
        {
            if (!IsMailbox(invitation.Attendees[i].Email))
                violations.Add(new($"attendees[{i}].email", "Not a mailbox address."));
        }
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
    }

    // Conservative: what goes after "mailto:" must be a plain addr-spec, so nothing in it needs escaping.
    private static bool IsMailbox(string? email) => email is { Length: <= 254 } && Mailbox().IsMatch(email);

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")]
    private static partial Regex Mailbox();

    private static string UtcDateTime(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and line breaks as \n; other controls dropped.</summary>
    public static string EscapeText(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case ';': escaped.Append(@"\;"); break;
                case ',': escaped.Append(@"\,"); break;
                case '\r':
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                        i++;
                    escaped.Append(@"\n");
                    break;
                case '\n': escaped.Append(@"\n"); break;
                case '\t': escaped.Append(c); break;
                default:
                    if (!char.IsControl(c))
                        escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>A parameter value, always quoted; DQUOTE and controls cannot appear inside quotes, so they are dropped.</summary>
    private static string QuoteParameter(string value) =>
        $"\"{new string([.. value.Where(c => c != '"' && !char.IsControl(c))])}\"";

    /// <summary>Folds a content line into physical lines of at most 75 octets, continuation lines starting with a space.</summary>
    private static void AppendFolded(StringBuilder output, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        int offset = 0;
        int limit = MaxLineOctets;
        while (bytes.Length - offset > limit)
        {
            int cut = offset + limit;
            while ((bytes[cut] & 0b1100_0000) == 0b1000_0000)   // never split inside a UTF-8 character
                cut--;
            output.Append(Encoding.UTF8.GetString(bytes, offset, cut - offset)).Append(Crlf).Append(' ');
            offset = cut;
            limit = MaxLineOctets - 1;   // the leading space counts
        }
        output.Append(Encoding.UTF8.GetString(bytes, offset, bytes.Length - offset)).Append(Crlf);
    }
}
