namespace Mappa.Messaging.Migrations;

/// <summary>The outbox and inbox tables every service database carries (scope <c>mappa.messaging</c>).</summary>
public static class MessagingSchema
{
    public const string Scope = "mappa.messaging";

    public static SchemaMigrations Migrations { get; } = new SchemaMigrations(Scope)
        .Add(1, "create_outbox_and_inbox",
            sqlite: """
                CREATE TABLE outbox_messages (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    event_id TEXT NOT NULL UNIQUE,
                    event_type TEXT NOT NULL,
                    event_version INTEGER NOT NULL,
                    subject_key TEXT NOT NULL,
                    subject_position INTEGER NOT NULL,
                    payload TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    sent_at INTEGER NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT NULL
                );
                CREATE INDEX ix_outbox_messages_unsent ON outbox_messages (sequence) WHERE sent_at IS NULL;
                CREATE INDEX ix_outbox_messages_sent_at ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL;
                CREATE TABLE outbox_subject_positions (
                    subject_key TEXT NOT NULL PRIMARY KEY,
                    last_position INTEGER NOT NULL
                );
                CREATE TABLE inbox_messages (
                    message_id TEXT NOT NULL,
                    consumer TEXT NOT NULL,
                    received_at INTEGER NOT NULL,
                    PRIMARY KEY (message_id, consumer)
                );
                CREATE INDEX ix_inbox_messages_received_at ON inbox_messages (received_at);
                """,
            postgres: """
                CREATE TABLE outbox_messages (
                    sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    event_id uuid NOT NULL UNIQUE,
                    event_type text NOT NULL,
                    event_version integer NOT NULL,
                    subject_key text NOT NULL,
                    subject_position bigint NOT NULL,
                    payload text NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL,
                    sent_at timestamptz NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    last_error text NULL
                );
                CREATE INDEX ix_outbox_messages_unsent ON outbox_messages (sequence) WHERE sent_at IS NULL;
                CREATE INDEX ix_outbox_messages_sent_at ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL;
                CREATE TABLE outbox_subject_positions (
                    subject_key text NOT NULL PRIMARY KEY,
                    last_position bigint NOT NULL
                );
                CREATE TABLE inbox_messages (
                    message_id uuid NOT NULL,
                    consumer text NOT NULL,
                    received_at timestamptz NOT NULL,
                    PRIMARY KEY (message_id, consumer)
                );
                CREATE INDEX ix_inbox_messages_received_at ON inbox_messages (received_at);
                """);
}
