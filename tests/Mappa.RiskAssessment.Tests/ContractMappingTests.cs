using Google.Protobuf;
using Mappa.Core.Errors;
using Mappa.RiskAssessment.Features.Instruments;
using Mappa.RiskAssessment.Features.Instruments.Contracts;
using Mappa.RiskAssessment.Features.Instruments.LsCmi;
using Mappa.RiskAssessment.Features.Instruments.RiskMatrix;
using Mappa.RiskAssessment.Features.Instruments.Rosh;
using Mappa.RiskAssessment.Features.Instruments.RuleSets;
using Mappa.RiskAssessment.Features.Instruments.Sa07;
using Mappa.RiskAssessment.Features.Instruments.Screening;
using Pb = Mappa.Contracts.RiskAssessment.V1;

namespace Mappa.RiskAssessment.Tests;

public sealed class ContractMappingTests
{
    public static TheoryData<Type, Type> EnumPairs() => new()
    {
        { typeof(Instrument), typeof(Pb.Instrument) },
        { typeof(LsCmiSubcomponent), typeof(Pb.LsCmiSubcomponent) },
        { typeof(LsCmiLevel), typeof(Pb.LsCmiLevel) },
        { typeof(OverrideDirection), typeof(Pb.OverrideDirection) },
        { typeof(ScreeningBand), typeof(Pb.ScreeningBand) },
        { typeof(RiskMatrixCategory), typeof(Pb.RiskMatrixCategory) },
        { typeof(RiskMatrixItem), typeof(Pb.RiskMatrixItem) },
        { typeof(DynamicRiskLevel), typeof(Pb.DynamicRiskLevel) },
        { typeof(RoshLevel), typeof(Pb.RoshLevel) },
        { typeof(RoshGroup), typeof(Pb.RoshGroup) },
        { typeof(RoshSetting), typeof(Pb.RoshSetting) },
    };

    [Theory]
    [MemberData(nameof(EnumPairs))]
    public void Domain_and_proto_enums_share_names_and_numbers_so_mapping_is_a_cast(Type domain, Type proto)
    {
        var domainValues = Enum.GetValues(domain).Cast<object>().ToDictionary(Convert.ToInt32, value => value.ToString()!);
        var protoValues = Enum.GetValues(proto).Cast<object>().Where(v => Convert.ToInt32(v) != 0).ToDictionary(Convert.ToInt32, value => value.ToString()!);

        Assert.Equal(protoValues.OrderBy(p => p.Key), domainValues.OrderBy(p => p.Key));
    }

    private static InstrumentInput[] SampleInputs()
    {
        var lsCmi = (LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi);
        var screening = (LsiRSvRuleSet)TestRuleSets.Registry.Current(Instrument.LsiRSv);
        var stable = (Stable2007RuleSet)TestRuleSets.Registry.Current(Instrument.Stable2007);
        var acute = (Acute2007RuleSet)TestRuleSets.Registry.Current(Instrument.Acute2007);
        var rosh = (RoshRuleSet)TestRuleSets.Registry.Current(Instrument.Rosh);
        return
        [
            new LsCmiInput(TestRuleSets.ItemsSummingTo(lsCmi.Items, 9), new ProfessionalOverride(OverrideDirection.Up, LsCmiLevel.High, ["a", "b"], "manager-1")),
            new LsiRSvInput(TestRuleSets.ItemsSummingTo(screening.Items, 4), "assessment-7"),
            new RiskMatrix2000Input(23, 2, 6, 1, true, true, false, true, false),
            new Stable2007Input(TestRuleSets.ItemsSummingTo(stable.ItemsFor(true), 13), true),
            new Acute2007Input(acute.Items.Select(i => new AcuteItemScore(i.Number, i.Number % 3, i.Number == 2)).ToArray()),
            new RoshInput(
                rosh.RequiredPairs.Select((pair, i) => new RoshRating(pair.Group, pair.Setting, (RoshLevel)(i % 4 + 1))).ToArray(),
                "nature", "imminence", "increase", "mitigation"),
        ];
    }

    [Fact]
    public void Every_instruments_input_survives_the_wire_and_scores_the_same()
    {
        foreach (var input in SampleInputs())
        {
            var wire = Pb.InstrumentScores.Parser.ParseFrom(input.ToContract().ToByteArray());

            var back = wire.ToDomain();

            Assert.Equal(input.Instrument, back.Instrument);
            Assert.Equal(input.ToContract(), back.ToContract());
            var direct = TestRuleSets.Scoring.Score(input);
            var viaWire = TestRuleSets.Scoring.Score(back);
            Assert.Empty(Features.Instruments.Rescoring.RescoringCheck.Compare(direct, viaWire));
        }
    }

    [Fact]
    public void Every_instruments_result_survives_the_wire_with_all_derived_values()
    {
        foreach (var input in SampleInputs())
        {
            var result = TestRuleSets.Scoring.Score(input);

            var wire = Pb.InstrumentResult.Parser.ParseFrom(result.ToContract().ToByteArray());
            var back = wire.ToDomain();

            Assert.Equal(result.RuleSet, back.RuleSet);
            Assert.Equal(result.DerivedValues(), back.DerivedValues());
            Assert.Equal(result.ToContract(), back.ToContract());
        }
    }

    [Fact]
    public void The_proto_field_paths_in_violations_name_real_proto_fields()
    {
        var message = new Pb.InstrumentScores { LsCmi = new Pb.LsCmiScores { Items = { new Pb.ItemScore { ItemNumber = 1, Score = 9 } } } };

        var error = Assert.Throws<ValidationFailedException>(() => TestRuleSets.Scoring.Score(message.ToDomain()));

        var first = error.Violations[0].Field;
        Assert.Equal("ls_cmi.items[0].score", first);
        // Walk the path through the message descriptors: every segment must be a field of the message before it.
        Google.Protobuf.Reflection.MessageDescriptor? descriptor = Pb.InstrumentScores.Descriptor;
        foreach (var segment in first.Split('.'))
        {
            Assert.NotNull(descriptor);
            var field = descriptor.FindFieldByName(segment.Split('[')[0]);
            Assert.NotNull(field);
            descriptor = field.FieldType == Google.Protobuf.Reflection.FieldType.Message ? field.MessageType : null;
        }
    }

    [Fact]
    public void Scores_without_an_instrument_are_refused_at_the_given_field()
    {
        var error = Assert.Throws<ValidationFailedException>(() => new Pb.InstrumentScores().ToDomain("scores"));

        Assert.Equal("scores", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void An_unspecified_override_level_on_the_wire_is_refused_at_its_field()
    {
        var lsCmi = (LsCmiRuleSet)TestRuleSets.Registry.Current(Instrument.LsCmi);
        var message = new LsCmiInput(TestRuleSets.ItemsSummingTo(lsCmi.Items, 9)).ToContract();
        message.LsCmi.ProfessionalOverride = new Pb.ProfessionalOverride
        {
            Direction = Pb.OverrideDirection.Up, Reasons = { "Escalation" }, ApproverId = "manager-1",
        };

        var error = Assert.Throws<ValidationFailedException>(() => TestRuleSets.Scoring.Score(message.ToDomain()));

        Assert.Equal("ls_cmi.professional_override.new_level", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void An_unspecified_instrument_is_refused()
    {
        Assert.Equal(Instrument.Stable2007, Pb.Instrument.Stable2007.ToDomain());
        var error = Assert.Throws<ValidationFailedException>(() => Pb.Instrument.Unspecified.ToDomain());
        Assert.Equal("instrument", Assert.Single(error.Violations).Field);
    }
}
