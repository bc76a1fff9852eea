using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mappa.Partners;

/// <summary>Broker object names for one agency; subscribers and tests use the same names.</summary>
public static class PartnerTopology
{
    public const string ExchangePrefix = "mappa.partner.";

    /// <summary>Headers exchange that receives the agency's entitled event types and routes them to its queue by area.</summary>
    public static string Exchange(string agency) => ExchangePrefix + agency;

    /// <summary>The agency's durable queue: events wait here while its subscriber is offline.</summary>
    public static string Queue(string agency) => $"{ExchangePrefix}{agency}.events";

    /// <summary>Dead-letter exchange and queue (same name): rejected messages, and messages redelivered too often.</summary>
    public static string DeadLetter(string agency) => $"{ExchangePrefix}{agency}.dead-letter";

    /// <summary>RabbitMQ read permission: the agency's two queues, nothing else.</summary>
    public static string ReadPermission(string agency) => $"^mappa\\.partner\\.{Regex.Escape(agency)}\\.(events|dead-letter)$";

    /// <summary>Permission pattern that matches no resource.</summary>
    public const string Nothing = "^$";

    /// <summary>A message delivered this many times without an ack (requeued) goes to the dead-letter queue.</summary>
    public const int DeliveryLimit = 20;
}

public sealed class PartnerProvisioningOptions
{
    /// <summary>RabbitMQ user name of an agency is this prefix and the agency name.</summary>
    public string UserPrefix { get; init; } = "mappa-partner-";

    /// <summary>The agency's password, or null when none was given (an existing user then keeps its password).</summary>
    public required Func<string, string?> Password { get; init; }
}

/// <summary>What a provisioning run changed (empty when the broker already matched) and what it noticed.</summary>
public sealed record ProvisioningResult(IReadOnlyList<string> Changes, IReadOnlyList<string> Notes);

/// <summary>A broker object exists in a shape provisioning will not change by itself (e.g. a queue with other arguments).</summary>
public sealed class PartnerProvisioningException(string message) : Exception(message);

/// <summary>
/// Makes the broker match deploy/partners.yaml, through the management API, idempotently: it reads what exists,
/// creates what is missing, removes bindings that are no longer entitled, and reports each change. It never deletes
/// a queue (messages may be waiting in it).
/// </summary>
public sealed class PartnerProvisioner(RabbitMqManagementClient broker, PartnerProvisioningOptions options)
{
    private readonly List<string> _changes = [];
    private readonly List<string> _notes = [];
    private readonly HashSet<string> _eventExchangesChecked = new(StringComparer.Ordinal);

    public string UserName(string agency) => options.UserPrefix + agency;

    public async Task<ProvisioningResult> ProvisionAsync(PartnerConfiguration configuration, CancellationToken ct = default)
    {
        _changes.Clear();
        _notes.Clear();
        if (await broker.GetVirtualHostAsync(ct) is null)
            throw new PartnerProvisioningException($"virtual host '{broker.VirtualHost}' does not exist on the broker.");

        foreach (var agency in configuration.Agencies)
            await ProvisionAgencyAsync(agency, ct);
        await WithdrawUnlistedAgenciesAsync(configuration, ct);
        return new ProvisioningResult(_changes.ToArray(), _notes.ToArray());
    }

    private async Task ProvisionAgencyAsync(PartnerAgency agency, CancellationToken ct)
    {
        var name = agency.Name;
        var exchange = PartnerTopology.Exchange(name);
        var queue = PartnerTopology.Queue(name);
        var deadLetter = PartnerTopology.DeadLetter(name);

        // Dead-letter side first, so the main queue's dead-letter exchange exists when the queue does.
        await EnsureExchangeAsync(name, deadLetter, "fanout", ct);
        await EnsureQueueAsync(name, deadLetter, new JsonObject { ["x-queue-type"] = "quorum" }, ct);
        await EnsureQueueBindingsAsync(name, deadLetter, deadLetter, [new JsonObject()], ct);

        await EnsureExchangeAsync(name, exchange, "headers", ct);
        await EnsureQueueAsync(name, queue, new JsonObject
        {
            ["x-queue-type"] = "quorum",
            ["x-dead-letter-exchange"] = deadLetter,
            ["x-delivery-limit"] = PartnerTopology.DeliveryLimit,
        }, ct);

        // Areas: one headers binding per area; every area = one binding that matches all messages.
        var areaBindings = agency.AllAreas
            ? [new JsonObject { ["x-match"] = "all" }]
            : agency.Areas.Select(area => new JsonObject { ["x-match"] = "all", [Mappa.Messaging.Bus.PartnerRoutingHeaders.Area] = area }).ToList();
        await EnsureQueueBindingsAsync(name, exchange, queue, areaBindings, ct);

        // Event types: the event-type exchanges (fanout, as the bus declares them) bound to the agency's exchange.
        foreach (var eventType in agency.Kind.Events)
        {
            if (_eventExchangesChecked.Add(eventType))
                await EnsureExchangeAsync(null, eventType, "fanout", ct);
        }
        var incoming = await broker.ListBindingsToExchangeAsync(exchange, ct);
        var entitled = agency.Kind.Events.ToHashSet(StringComparer.Ordinal);
        foreach (var binding in incoming)
        {
            var source = binding["source"]!.GetValue<string>();
            if (!entitled.Contains(source) || !IsPlain(binding))
            {
                await broker.UnbindAsync(binding, ct);
                Change(name, $"removed binding {source} -> {exchange} (no longer entitled)");
            }
        }
        var present = incoming.Where(IsPlain).Select(b => b["source"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var eventType in agency.Kind.Events.Where(e => !present.Contains(e)))
        {
            await broker.BindAsync(eventType, "e", exchange, new JsonObject(), ct);
            Change(name, $"bound {eventType} -> {exchange}");
        }
        foreach (var unreachable in agency.UnreachableEvents)
            _notes.Add($"{name}: {unreachable} carries no area, so an agency limited to areas never receives it.");

        await EnsureUserAsync(name, ct);
    }

    private async Task EnsureExchangeAsync(string? agency, string exchange, string type, CancellationToken ct)
    {
        var existing = await broker.GetExchangeAsync(exchange, ct);
        if (existing is null)
        {
            await broker.DeclareExchangeAsync(exchange, type, ct);
            Change(agency, $"created {type} exchange {exchange}");
            return;
        }
        if (existing["type"]?.GetValue<string>() != type || existing["durable"]?.GetValue<bool>() != true)
            throw new PartnerProvisioningException(
                $"exchange {exchange} exists as {existing["type"]} (durable {existing["durable"]}), expected a durable {type} exchange: delete it by hand and re-run.");
    }

    private async Task EnsureQueueAsync(string agency, string queue, JsonObject arguments, CancellationToken ct)
    {
        var existing = await broker.GetQueueAsync(queue, ct);
        if (existing is null)
        {
            await broker.DeclareQueueAsync(queue, arguments, ct);
            Change(agency, $"created queue {queue} ({string.Join(", ", arguments.Select(a => $"{a.Key}={a.Value}"))})");
            return;
        }
        var actual = existing["arguments"] as JsonObject ?? [];
        if (Key(actual) != Key(arguments) || existing["durable"]?.GetValue<bool>() != true)
            throw new PartnerProvisioningException(
                $"queue {queue} exists with arguments {actual.ToJsonString()}, expected {arguments.ToJsonString()}: RabbitMQ cannot change a queue's " +
                "arguments; move its messages, delete it and re-run.");
    }

    private async Task EnsureQueueBindingsAsync(string agency, string exchange, string queue, IReadOnlyList<JsonObject> wanted, CancellationToken ct)
    {
        var existing = await broker.ListBindingsAsync(exchange, queue, ct);
        var wantedKeys = wanted.Select(Key).ToHashSet(StringComparer.Ordinal);
        foreach (var binding in existing)
        {
            if (!wantedKeys.Contains(Key(binding["arguments"] as JsonObject ?? [])) || binding["routing_key"]?.GetValue<string>() != "")
            {
                await broker.UnbindAsync(binding, ct);
                Change(agency, $"removed binding {exchange} -> {queue} {Describe(binding["arguments"] as JsonObject)}");
            }
        }
        var presentKeys = existing.Where(b => b["routing_key"]?.GetValue<string>() == "")
            .Select(b => Key(b["arguments"] as JsonObject ?? [])).ToHashSet(StringComparer.Ordinal);
        foreach (var arguments in wanted.Where(w => !presentKeys.Contains(Key(w))))
        {
            await broker.BindAsync(exchange, "q", queue, arguments, ct);
            Change(agency, $"bound {exchange} -> {queue} {Describe(arguments)}");
        }
    }

    private async Task EnsureUserAsync(string agency, CancellationToken ct)
    {
        var user = UserName(agency);
        var password = options.Password(agency);
        var existing = await broker.GetUserAsync(user, ct);
        if (existing is null)
        {
            if (password is null)
                throw new PartnerProvisioningException(
                    $"no password for new user {user}: set {PasswordVariable(agency)} or put it in --password-dir/{agency}.");
            await broker.PutUserAsync(user, new JsonObject { ["password"] = password, ["tags"] = "" }, ct);
            Change(agency, $"created user {user} (no management access)");
        }
        else
        {
            var tags = existing["tags"] switch
            {
                JsonArray array => string.Join(",", array.Select(t => t?.ToString())),
                { } node => node.ToString(),
                null => "",
            };
            var passwordMatches = password is null || PasswordMatches(existing, password);
            if (!passwordMatches || tags.Length > 0)
            {
                var body = new JsonObject { ["tags"] = "" };
                if (password is not null) body["password"] = password;
                else
                {
                    body["password_hash"] = existing["password_hash"]?.GetValue<string>() ?? "";
                    body["hashing_algorithm"] = existing["hashing_algorithm"]?.GetValue<string>();
                }
                await broker.PutUserAsync(user, body, ct);
                Change(agency, !passwordMatches
                    ? $"changed the password of user {user}" + (tags.Length > 0 ? $" and removed its tags ({tags})" : "")
                    : $"removed the tags of user {user} ({tags})");
            }
        }

        var read = PartnerTopology.ReadPermission(agency);
        var permissions = await broker.GetPermissionsAsync(user, ct);
        if (permissions is null
            || permissions["configure"]?.GetValue<string>() != PartnerTopology.Nothing
            || permissions["write"]?.GetValue<string>() != PartnerTopology.Nothing
            || permissions["read"]?.GetValue<string>() != read)
        {
            await broker.PutPermissionsAsync(user, PartnerTopology.Nothing, PartnerTopology.Nothing, read, ct);
            Change(agency, $"set permissions of {user} on '{broker.VirtualHost}': configure none, write none, read {read}");
        }
    }

    /// <summary>
    /// An agency removed from the file stops receiving events and loses its permissions on this virtual host;
    /// its queue (with any waiting messages) and its user stay for an operator to clear.
    /// </summary>
    private async Task WithdrawUnlistedAgenciesAsync(PartnerConfiguration configuration, CancellationToken ct)
    {
        var listed = configuration.Agencies.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var exchange in await broker.ListExchangesAsync(ct))
        {
            var name = exchange["name"]!.GetValue<string>();
            if (exchange["type"]?.GetValue<string>() != "headers" || !name.StartsWith(PartnerTopology.ExchangePrefix, StringComparison.Ordinal)) continue;
            var agency = name[PartnerTopology.ExchangePrefix.Length..];
            if (agency.Contains('.') || listed.Contains(agency)) continue;

            foreach (var binding in await broker.ListBindingsToExchangeAsync(name, ct))
            {
                await broker.UnbindAsync(binding, ct);
                Change(agency, $"removed binding {binding["source"]} -> {name} (agency no longer in the configuration)");
            }
            if (await broker.GetPermissionsAsync(UserName(agency), ct) is not null)
            {
                await broker.DeletePermissionsAsync(UserName(agency), ct);
                Change(agency, $"revoked the permissions of {UserName(agency)} on '{broker.VirtualHost}' (agency no longer in the configuration)");
            }
            _notes.Add($"{agency}: no longer in the configuration; its queue {PartnerTopology.Queue(agency)} and user {UserName(agency)} were kept (delete them by hand once drained).");
        }
    }

    public static string PasswordVariable(string agency) => "MAPPA_PARTNER_PASSWORD_" + agency.ToUpperInvariant().Replace('-', '_');

    /// <summary>Checks a password against RabbitMQ's salted hash (base64 of a 4-byte salt then hash(salt + password)).</summary>
    public static bool PasswordMatches(JsonObject user, string password)
    {
        var hash = user["password_hash"]?.GetValue<string>();
        if (string.IsNullOrEmpty(hash)) return false;
        byte[] stored;
        try
        {
            stored = Convert.FromBase64String(hash);
        }
        catch (FormatException)
        {
            return false;
        }
        if (stored.Length < 5) return false;
        var salted = stored[..4].Concat(Encoding.UTF8.GetBytes(password)).ToArray();
        byte[]? computed = user["hashing_algorithm"]?.GetValue<string>() switch
        {
            "rabbit_password_hashing_sha256" => SHA256.HashData(salted),
            "rabbit_password_hashing_sha512" => SHA512.HashData(salted),
            _ => null, // md5 or unknown: cannot verify here, so the password is set again
        };
        return computed is not null && CryptographicOperations.FixedTimeEquals(computed, stored.AsSpan(4));
    }

    private static bool IsPlain(JsonObject binding) =>
        binding["routing_key"]?.GetValue<string>() == "" && (binding["arguments"] as JsonObject ?? []).Count == 0;

    private static string Key(JsonObject arguments) =>
        string.Join(";", arguments.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value?.ToJsonString()}"));

    private static string Describe(JsonObject? arguments) =>
        arguments is null || arguments.Count == 0 ? "" : "(" + string.Join(", ", arguments.Select(a => $"{a.Key}={a.Value}")) + ")";

    private void Change(string? agency, string what) => _changes.Add(agency is null ? what : $"{agency}: {what}");
}
