using System.Security.Cryptography;
using System.Text;
using Mappa.Cli.Infrastructure;
using Mappa.Contracts.Common.V1;
using Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.Cli.Subjects;

/// <summary>One data row of a caseload file: either a request ready to send or the reason it cannot be.</summary>
public sealed record CaseloadRow(int LineNumber, CreateSubjectRequest? Request, string? Problem);

/// <summary>
/// Reads a caseload CSV (header: pnc,category,lead_agency,area[,name]; RFC 4180 quoting). Each row's request id is
/// derived from the row itself, so importing the same file again returns the subjects already registered.
/// </summary>
public static class CaseloadCsv
{
    public static readonly string[] RequiredColumns = ["pnc", "category", "lead_agency", "area"];

    public static IReadOnlyList<CaseloadRow> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"cannot read '{path}': {e.Message}");
        }
        var records = Parse(text, path);
        if (records.Count == 0)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' is empty: expected a header line ({string.Join(",", RequiredColumns)},name).");
        }
        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_')).ToList();
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}': the header lacks column(s) {string.Join(", ", missing)} (found: {string.Join(", ", header)}).");
        }
        int Column(string name) => header.IndexOf(name);
        var rows = new List<CaseloadRow>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            string Field(string name) => Column(name) is var i and >= 0 && i < fields.Count ? fields[i].Trim() : "";
            rows.Add(ToRow(line, Field("pnc"), Field("category"), Field("lead_agency"), Field("area"), Field("name")));
        }
        return rows;
    }

    private static CaseloadRow ToRow(int line, string pnc, string category, string leadAgency, string area, string name)
    {
        var problems = new List<string>();
        if (pnc.Length == 0)
        {
            problems.Add("pnc is empty");
        }
        if (!EnumWords.TryParse<MappaCategory>(category, out var parsedCategory))
        {
            problems.Add($"category '{category}' is not one of {string.Join(", ", EnumWords.Choices<MappaCategory>())}");
        }
        if (!EnumWords.TryParse<AgencyKind>(leadAgency, out var parsedAgency))
        {
            problems.Add($"lead_agency '{leadAgency}' is not one of {string.Join(", ", EnumWords.Choices<AgencyKind>())}");
        }
        if (area.Length == 0)
        {
            problems.Add("area is empty");
        }
        if (problems.Count > 0)
        {
            return new CaseloadRow(line, null, string.Join("; ", problems));
        }
        return new CaseloadRow(line, new CreateSubjectRequest
        {
            RequestId = RequestIdFor(pnc, parsedCategory, parsedAgency, area, name).ToString(),
            Identifiers = { new ExternalIdentifier { Type = "PNC", Value = pnc } },
            Category = parsedCategory,
            LeadAgency = parsedAgency,
            Area = area,
            DisplayName = name,
        }, null);
    }

    /// <summary>A UUID (version 8, name-based) from the row's meaning, not its spelling: same person and facts, same id.</summary>
    public static Guid RequestIdFor(string pnc, MappaCategory category, AgencyKind leadAgency, string area, string name)
    {
        var canonical = string.Join('\n', "mappa-cli/subjects-import/v1", pnc.ToUpperInvariant(), (int)category, (int)leadAgency, area.ToLowerInvariant(), name);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(canonical)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>RFC 4180 records with the line each starts on; quoted fields may hold commas, quotes ("") and line breaks.</summary>
    public static List<(int Line, List<string> Fields)> Parse(string text, string path)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }
        if (inQuotes)
        {
            throw new CliException(ExitCodes.InvalidArgument, $"'{path}' line {recordLine}: a quoted field is never closed.");
        }
        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add((recordLine, fields));
            }
            fields = [];
            field.Clear();
            fieldStarted = false;
        }
    }
}
