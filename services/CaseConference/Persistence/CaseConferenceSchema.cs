using Mappa.Messaging.Migrations;

namespace Mappa.CaseConference.Persistence;

/// <summary>
/// The service's schema, one migration at a time. Applied migrations are never edited (the runner checks their
/// checksums): a change is a new migration.
/// </summary>
public static class CaseConferenceSchema
{
    public static SchemaMigrations Migrations { get; } = new SchemaMigrations("mappa.caseconference")
        .Add(1, "create_conferences",
            sqlite: """
                CREATE TABLE conferences (
                    conference_id TEXT NOT NULL PRIMARY KEY,
                    request_id TEXT NULL UNIQUE,
                    source_obligation_id TEXT NULL,
                    area TEXT NOT NULL,
                    kind INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    start_time INTEGER NULL,
                    held_at INTEGER NULL,
                    invited_agencies TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    snapshot TEXT NOT NULL
                );
                CREATE UNIQUE INDEX ux_conferences_source_obligation ON conferences (source_obligation_id) WHERE source_obligation_id IS NOT NULL;
                CREATE INDEX ix_conferences_area ON conferences (area, conference_id);
                CREATE INDEX ix_conferences_held_at ON conferences (held_at) WHERE held_at IS NOT NULL;
                CREATE TABLE conference_subjects (
                    conference_id TEXT NOT NULL REFERENCES conferences (conference_id),
                    subject_id TEXT NOT NULL,
                    PRIMARY KEY (conference_id, subject_id)
                );
                CREATE INDEX ix_conference_subjects_subject ON conference_subjects (subject_id);
                CREATE TABLE conference_requests (
                    method TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    conference_id TEXT NOT NULL REFERENCES conferences (conference_id),
                    item_id TEXT NULL,
                    PRIMARY KEY (method, request_id)
                );
                """,
            postgres: """
                CREATE TABLE conferences (
                    conference_id text NOT NULL PRIMARY KEY,
                    request_id text NULL UNIQUE,
                    source_obligation_id text NULL,
                    area text NOT NULL,
                    kind integer NOT NULL,
                    status integer NOT NULL,
                    start_time bigint NULL,
                    held_at bigint NULL,
                    invited_agencies text NOT NULL,
                    created_at bigint NOT NULL,
                    updated_at bigint NOT NULL,
                    version integer NOT NULL,
                    snapshot text NOT NULL
                );
                CREATE UNIQUE INDEX ux_conferences_source_obligation ON conferences (source_obligation_id) WHERE source_obligation_id IS NOT NULL;
                CREATE INDEX ix_conferences_area ON conferences (area, conference_id);
                CREATE INDEX ix_conferences_held_at ON conferences (held_at) WHERE held_at IS NOT NULL;
                CREATE TABLE conference_subjects (
                    conference_id text NOT NULL REFERENCES conferences (conference_id),
                    subject_id text NOT NULL,
                    PRIMARY KEY (conference_id, subject_id)
                );
                CREATE INDEX ix_conference_subjects_subject ON conference_subjects (subject_id);
                CREATE TABLE conference_requests (
                    method text NOT NULL,
                    request_id text NOT NULL,
                    conference_id text NOT NULL REFERENCES conferences (conference_id),
                    item_id text NULL,
                    PRIMARY KEY (method, request_id)
                );
                """);
}
