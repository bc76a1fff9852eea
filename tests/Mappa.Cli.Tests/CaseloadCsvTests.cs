using Mappa.Cli.Infrastructure;
using Mappa.Cli.Subjects;
using Mappa.Contracts.Common.V1;

namespace Mappa.Cli.Tests;

public sealed class CaseloadCsvTests
{
    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks_and_rows_keep_their_line_numbers()
    {
        var records = CaseloadCsv.Parse("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\n3,4\n", "test.csv");

        Assert.Equal(3, records.Count);
        Assert.Equal(["x, \"y\"", "two\nlines"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
        Assert.Equal(4, records[2].Line);
    }

    [Fact]
    public void An_unclosed_quote_is_an_invalid_file()
    {
        var error = Assert.Throws<CliException>(() => CaseloadCsv.Parse("a,b\n\"open,1\n", "test.csv"));

        Assert.Equal(ExitCodes.InvalidArgument, error.ExitCode);
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void The_request_id_depends_on_the_rows_meaning_not_its_spelling()
    {
        var one = CaseloadCsv.RequestIdFor("ab/123", MappaCategory._2, AgencyKind.Police, "Glasgow", "Jo");
        var sameMeaning = CaseloadCsv.RequestIdFor("AB/123", MappaCategory._2, AgencyKind.Police, "glasgow", "Jo");
        var otherCategory = CaseloadCsv.RequestIdFor("AB/123", MappaCategory._1, AgencyKind.Police, "glasgow", "Jo");

        Assert.Equal(one, sameMeaning);
        Assert.NotEqual(one, otherCategory);
        Assert.Equal(8, one.Version);
    }
}
