using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Mappa.EveryRpc.Tests.Support;

/// <summary>Ids of records that exist in the suite the matrix calls, used to make requests look real.</summary>
public sealed record KnownRecords(string SubjectId, string AssessmentId, string ConferenceId);

/// <summary>
/// A minimal, valid-looking request for any method, built from its descriptor: ids name records that exist, areas
/// are the caller's own, dates are near future, enums take their first real value, request ids are fresh. It does
/// not have to succeed; it has to get past authorization to the handler for a caller who is allowed.
/// </summary>
public static class MatrixRequests
{
    public static IMessage For(MethodDescriptor method, KnownRecords known, string area) =>
        Fill(method.InputType, known, area, depth: 0);

    private static IMessage Fill(MessageDescriptor type, KnownRecords known, string area, int depth)
    {
        var message = type.Parser.ParseFrom(ByteString.Empty);
        if (type.FullName == Timestamp.Descriptor.FullName)
        {
            return Timestamp.FromDateTime(DateTime.UtcNow.AddDays(14));
        }
        if (type.FullName == "google.type.Date")
        {
            var day = DateTime.UtcNow.AddDays(14);
            message = type.Parser.ParseFrom(new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day }.ToByteArray());
            return message;
        }
        if (depth > 3)
        {
            return message;
        }
        foreach (var field in type.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated || field.IsMap || field.ContainingOneof is { IsSynthetic: false } oneof && oneof.Accessor.GetCaseFieldDescriptor(message) is not null)
            {
                continue;
            }
            var value = ValueFor(field, known, area, depth);
            if (value is not null)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    private static object? ValueFor(FieldDescriptor field, KnownRecords known, string area, int depth) => field.FieldType switch
    {
        FieldType.String => field.Name switch
        {
            "area" => area,
            "subject_id" => known.SubjectId,
            "assessment_id" => known.AssessmentId,
            "conference_id" => known.ConferenceId,
            "request_id" => Guid.NewGuid().ToString(),
            _ => null,
        },
        FieldType.Enum => field.EnumType.Values.FirstOrDefault(v => v.Number != 0)?.Number is { } number
            ? System.Enum.ToObject(field.EnumType.ClrType, number)
            : null,
        FieldType.Message => Fill(field.MessageType, known, area, depth + 1),
        _ => null,
    };
}
