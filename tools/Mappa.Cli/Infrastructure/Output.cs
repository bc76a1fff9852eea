using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace Mappa.Cli.Infrastructure;

/// <summary>Tables for people, one JSON document per result for scripts.</summary>
public static class Output
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static void WriteJson(CommandContext context, IMessage message) => context.Environment.Out.WriteLine(Formatter.Format(message));

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }
        return table;
    }

    /// <summary>Adds a row of plain text (markup characters in data are escaped, never interpreted).</summary>
    public static void AddText(this Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(string.IsNullOrEmpty(c) ? "-" : c)).ToArray());

    public static void Line(CommandContext context, string text) => context.Console.WriteLine(text);

    public static string Show(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? "" : $"{date.Year:0000}-{date.Month:00}-{date.Day:00}";

    public static string Show(Timestamp? time) =>
        time is null ? "" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    public static Google.Type.Date ToDate(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);
}
