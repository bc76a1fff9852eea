namespace Mappa.Messaging.Migrations;

/// <summary>The outbox, inbox and audit-log tables every service database carries (scope <c>mappa.messaging</c>).</summary>
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
                """)
        // The tamper-evident audit log (Audit/AuditLogStore.cs): rows are hash-chained in position order, the one-row
        // head holds the last position and hash (appends serialise on it), and triggers refuse UPDATE and DELETE of
        // audit rows (verification still detects edits made by someone who drops them).
        .Add(2, "create_audit_log",
            sqlite: """
                CREATE TABLE audit_log (
                    position INTEGER NOT NULL PRIMARY KEY,
                    entry_id TEXT NOT NULL UNIQUE,
                    called_at INTEGER NOT NULL,
                    caller TEXT NOT NULL,
                    agency TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    method TEXT NOT NULL,
                    subject_id TEXT NULL,
                    outcome INTEGER NOT NULL,
                    request_id TEXT NOT NULL,
                    hash_version INTEGER NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX ix_audit_log_subject ON audit_log (subject_id, position) WHERE subject_id IS NOT NULL;
                CREATE INDEX ix_audit_log_caller ON audit_log (caller, position);
                CREATE INDEX ix_audit_log_called_at ON audit_log (called_at);
                CREATE TABLE audit_log_head (
                    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
                    last_position INTEGER NOT NULL,
                    last_hash TEXT NOT NULL
                );
                INSERT INTO audit_log_head (id, last_position, last_hash)
                    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                """,
            postgres: """
                CREATE TABLE audit_log (
                    position bigint NOT NULL PRIMARY KEY,
                    entry_id text NOT NULL UNIQUE,
                    called_at timestamptz NOT NULL,
                    caller text NOT NULL,
                    agency text NOT NULL,
                    roles text NOT NULL,
                    method text NOT NULL,
                    subject_id text NULL,
                    outcome integer NOT NULL,
                    request_id text NOT NULL,
                    hash_version integer NOT NULL,
                    previous_hash text NOT NULL,
                    hash text NOT NULL
                );
                CREATE INDEX ix_audit_log_subject ON audit_log (subject_id, position) WHERE subject_id IS NOT NULL;
                CREATE INDEX ix_audit_log_caller ON audit_log (caller, position);
                CREATE INDEX ix_audit_log_called_at ON audit_log (called_at);
                CREATE TABLE audit_log_head (
                    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
                    last_position bigint NOT NULL,
                    last_hash text NOT NULL
                );
                INSERT INTO audit_log_head (id, last_position, last_hash)
                    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
                CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit_log is append-only';
                END;
                $$;
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
                CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
                """);
}
