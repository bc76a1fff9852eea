using Mappa.Messaging.Migrations;

namespace Mappa.RiskAssessment.Persistence;

/// <summary>
/// The service's schema, one migration at a time. Applied migrations are never edited (the runner checks their
/// checksums): a change is a new migration.
/// </summary>
public static class RiskAssessmentSchema
{
    public static SchemaMigrations Migrations { get; } = new SchemaMigrations("mappa.riskassessment")
        .Add(1, "create_subjects",
            sqlite: """
                CREATE TABLE subjects (
                    subject_id TEXT NOT NULL PRIMARY KEY,
                    request_id TEXT NULL UNIQUE,
                    category INTEGER NOT NULL,
                    level INTEGER NOT NULL,
                    lead_agency INTEGER NOT NULL,
                    area TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by TEXT NOT NULL
                );
                CREATE INDEX ix_subjects_area ON subjects (area, subject_id);
                CREATE TABLE subject_identifiers (
                    type TEXT NOT NULL,
                    value TEXT NOT NULL,
                    subject_id TEXT NOT NULL REFERENCES subjects (subject_id),
                    PRIMARY KEY (type, value)
                );
                CREATE INDEX ix_subject_identifiers_subject ON subject_identifiers (subject_id);
                """,
            postgres: """
                CREATE TABLE subjects (
                    subject_id text NOT NULL PRIMARY KEY,
                    request_id text NULL UNIQUE,
                    category integer NOT NULL,
                    level integer NOT NULL,
                    lead_agency integer NOT NULL,
                    area text NOT NULL,
                    display_name text NOT NULL,
                    created_at bigint NOT NULL,
                    created_by text NOT NULL
                );
                CREATE INDEX ix_subjects_area ON subjects (area, subject_id);
                CREATE TABLE subject_identifiers (
                    type text NOT NULL,
                    value text NOT NULL,
                    subject_id text NOT NULL REFERENCES subjects (subject_id),
                    PRIMARY KEY (type, value)
                );
                CREATE INDEX ix_subject_identifiers_subject ON subject_identifiers (subject_id);
                """);
}
