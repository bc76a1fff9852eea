using System.Text.RegularExpressions;
using Mappa.Events;
using YamlDotNet.RepresentationModel;

namespace Mappa.Partners;

/// <summary>What one kind of agency may receive: a fixed list of event types.</summary>
public sealed record PartnerKind(string Name, string? Description, IReadOnlyList<string> Events);

/// <summary>One subscribing agency: its kind's event types, in its areas (or every area, area-less events included).</summary>
public sealed record PartnerAgency(string Name, PartnerKind Kind, bool AllAreas, IReadOnlyList<string> Areas)
{
    /// <summary>
    /// Entitled event types that carry no area: an agency limited to areas never receives them, which is almost
    /// certainly a configuration mistake worth saying out loud.
    /// </summary>
    public IEnumerable<string> UnreachableEvents => AllAreas
        ? []
        : Kind.Events.Where(e => DomainEventCatalog.Find(e) is { } type && !DomainEventRouting.IsAreaScoped(type));
}

/// <summary>deploy/partners.yaml: agency kinds with their event types, and the agencies with their areas.</summary>
public sealed partial class PartnerConfiguration
{
    public required IReadOnlyDictionary<string, PartnerKind> Kinds { get; init; }

    public required IReadOnlyList<PartnerAgency> Agencies { get; init; }

    /// <summary>Agencies (by name) that receive <paramref name="eventType"/>, with their areas.</summary>
    public IEnumerable<PartnerAgency> Receivers(string eventType) => Agencies.Where(a => a.Kind.Events.Contains(eventType, StringComparer.Ordinal));

    public static PartnerConfiguration Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PartnerConfigurationException($"{path}: {e.Message}");
        }
        return Parse(text, path);
    }

    /// <summary>Parses and checks the file; every problem found is listed in one exception.</summary>
    public static PartnerConfiguration Parse(string yaml, string source = "partners.yaml")
    {
        var problems = new List<string>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new PartnerConfigurationException($"{source}: not valid YAML at line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser gives up this way on some malformed documents (e.g. an unclosed flow sequence).
            throw new PartnerConfigurationException($"{source}: not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new PartnerConfigurationException($"{source}: expected one document with 'kinds' and 'agencies'.");

        var kinds = new Dictionary<string, PartnerKind>(StringComparer.Ordinal);
        if (Child(root, "kinds") is not YamlMappingNode kindsNode)
        {
            problems.Add("'kinds' must be a mapping of kind name to its events.");
        }
        else
        {
            foreach (var (keyNode, valueNode) in kindsNode.Children)
            {
                var name = (keyNode as YamlScalarNode)?.Value ?? "";
                var at = $"kinds.{name} (line {keyNode.Start.Line})";
                if (valueNode is not YamlMappingNode kindNode)
                {
                    problems.Add($"{at}: must be a mapping with 'events'.");
                    continue;
                }
                var events = Strings(Child(kindNode, "events"), $"{at}.events", problems);
                if (events.Count == 0) problems.Add($"{at}.events: list at least one event type.");
                foreach (var eventType in events)
                {
                    if (DomainEventCatalog.Find(eventType) is null)
                        problems.Add($"{at}.events: '{eventType}' is not an event type in libs/Mappa.Events.");
                }
                foreach (var duplicate in events.GroupBy(e => e).Where(g => g.Count() > 1))
                    problems.Add($"{at}.events: '{duplicate.Key}' is listed twice.");
                kinds[name] = new PartnerKind(name, (Child(kindNode, "description") as YamlScalarNode)?.Value, events.Distinct().ToArray());
            }
        }

        var agencies = new List<PartnerAgency>();
        if (Child(root, "agencies") is not YamlSequenceNode agenciesNode)
        {
            problems.Add("'agencies' must be a list.");
        }
        else
        {
            foreach (var node in agenciesNode.Children)
            {
                var at = $"agencies (line {node.Start.Line})";
                if (node is not YamlMappingNode agencyNode)
                {
                    problems.Add($"{at}: each agency is a mapping with name, kind and areas.");
                    continue;
                }
                var name = (Child(agencyNode, "name") as YamlScalarNode)?.Value ?? "";
                if (!AgencyName().IsMatch(name))
                    problems.Add($"{at}: name '{name}' must be 2 to 40 of a-z, 0-9 and '-', starting with a letter (it names queues and users).");
                var kindName = (Child(agencyNode, "kind") as YamlScalarNode)?.Value ?? "";
                if (!kinds.TryGetValue(kindName, out var kind))
                {
                    problems.Add($"{at}: kind '{kindName}' is not one of the kinds ({string.Join(", ", kinds.Keys)}).");
                    kind = new PartnerKind(kindName, null, []);
                }
                var areasNode = Child(agencyNode, "areas");
                bool allAreas = areasNode is YamlScalarNode { Value: "all" };
                IReadOnlyList<string> areas = [];
                if (!allAreas)
                {
                    if (areasNode is not YamlSequenceNode)
                        problems.Add($"{at}: areas must be 'all' or a list of area codes.");
                    areas = Strings(areasNode, $"{at}.areas", problems);
                    if (areasNode is YamlSequenceNode && areas.Count == 0)
                        problems.Add($"{at}: areas is empty: the agency would receive nothing.");
                    foreach (var area in areas.Where(a => !AreaCode().IsMatch(a)))
                        problems.Add($"{at}: area '{area}' must be 1 to 64 of letters, digits, '-' and '_'.");
                }
                agencies.Add(new PartnerAgency(name, kind, allAreas, areas.Distinct(StringComparer.Ordinal).ToArray()));
            }
            foreach (var duplicate in agencies.GroupBy(a => a.Name).Where(g => g.Count() > 1))
                problems.Add($"agencies: '{duplicate.Key}' is listed {duplicate.Count()} times.");
        }

        if (problems.Count > 0)
            throw new PartnerConfigurationException($"{source}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        return new PartnerConfiguration { Kinds = kinds, Agencies = agencies };
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static List<string> Strings(YamlNode? node, string at, List<string> problems)
    {
        var values = new List<string>();
        if (node is null) return values;
        if (node is not YamlSequenceNode sequence)
        {
            problems.Add($"{at}: must be a list.");
            return values;
        }
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value }) values.Add(value);
            else problems.Add($"{at} (line {item.Start.Line}): expected a single value.");
        }
        return values;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex AgencyName();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AreaCode();
}

/// <summary>The partner configuration file is missing or wrong; the message lists every problem.</summary>
public sealed class PartnerConfigurationException(string message) : Exception(message);
