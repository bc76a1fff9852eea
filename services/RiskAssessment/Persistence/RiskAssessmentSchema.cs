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
                """)
        .Add(2, "create_assessments",
            sqlite: """
                CREATE TABLE assessments (
                    assessment_id TEXT NOT NULL PRIMARY KEY,
                    request_id TEXT NULL UNIQUE,
                    subject_id TEXT NOT NULL REFERENCES subjects (subject_id),
                    instrument INTEGER NOT NULL,
                    assessed_on TEXT NOT NULL,
                    assessor_id TEXT NOT NULL,
                    agency INTEGER NOT NULL,
                    rule_set_id TEXT NOT NULL,
                    rule_set_version INTEGER NOT NULL,
                    scores BLOB NOT NULL,
                    result BLOB NOT NULL,
                    linked_assessment_id TEXT NULL REFERENCES assessments (assessment_id),
                    supersedes_assessment_id TEXT NULL UNIQUE REFERENCES assessments (assessment_id),
                    supersession_reason TEXT NULL,
                    supervision_start TEXT NULL,
                    recorded_at INTEGER NOT NULL,
                    recorded_by TEXT NOT NULL
                );
                CREATE INDEX ix_assessments_subject ON assessments (subject_id, assessed_on, assessment_id);
                CREATE TABLE assessment_review_dates (
                    assessment_id TEXT NOT NULL REFERENCES assessments (assessment_id),
                    sequence INTEGER NOT NULL,
                    review_date TEXT NULL,
                    policy_date TEXT NULL,
                    basis INTEGER NOT NULL,
                    reason TEXT NULL,
                    set_at INTEGER NOT NULL,
                    set_by TEXT NOT NULL,
                    PRIMARY KEY (assessment_id, sequence)
                );
                """,
            postgres: """
                CREATE TABLE assessments (
                    assessment_id text NOT NULL PRIMARY KEY,
                    request_id text NULL UNIQUE,
                    subject_id text NOT NULL REFERENCES subjects (subject_id),
                    instrument integer NOT NULL,
                    assessed_on date NOT NULL,
                    assessor_id text NOT NULL,
                    agency integer NOT NULL,
                    rule_set_id text NOT NULL,
                    rule_set_version integer NOT NULL,
                    scores bytea NOT NULL,
                    result bytea NOT NULL,
                    linked_assessment_id text NULL REFERENCES assessments (assessment_id),
                    supersedes_assessment_id text NULL UNIQUE REFERENCES assessments (assessment_id),
                    supersession_reason text NULL,
                    supervision_start date NULL,
                    recorded_at bigint NOT NULL,
                    recorded_by text NOT NULL
                );
                CREATE INDEX ix_assessments_subject ON assessments (subject_id, assessed_on, assessment_id);
                CREATE TABLE assessment_review_dates (
                    assessment_id text NOT NULL REFERENCES assessments (assessment_id),
                    sequence integer NOT NULL,
                    review_date date NULL,
                    policy_date date NULL,
                    basis integer NOT NULL,
                    reason text NULL,
                    set_at bigint NOT NULL,
                    set_by text NOT NULL,
                    PRIMARY KEY (assessment_id, sequence)
                );
                """)
        .Add(3, "create_audit_entries",
            sqlite: """
                CREATE TABLE audit_entries (
                    entry_id TEXT NOT NULL PRIMARY KEY,
                    time INTEGER NOT NULL,
                    caller TEXT NOT NULL,
                    agency TEXT NOT NULL,
                    roles TEXT NOT NULL,
                    method TEXT NOT NULL,
                    subject_id TEXT NULL,
                    outcome INTEGER NOT NULL,
                    request_id TEXT NOT NULL
                );
                CREATE INDEX ix_audit_entries_subject ON audit_entries (subject_id, entry_id);
                """,
            postgres: """
                CREATE TABLE audit_entries (
                    entry_id text NOT NULL PRIMARY KEY,
                    time bigint NOT NULL,
                    caller text NOT NULL,
                    agency text NOT NULL,
                    roles text NOT NULL,
                    method text NOT NULL,
                    subject_id text NULL,
                    outcome integer NOT NULL,
                    request_id text NOT NULL
                );
                CREATE INDEX ix_audit_entries_subject ON audit_entries (subject_id, entry_id);
                """)
        .Add(4, "create_assessment_drafts",
            sqlite: """
                CREATE TABLE assessment_drafts (
                    draft_id TEXT NOT NULL PRIMARY KEY,
                    subject_id TEXT NOT NULL REFERENCES subjects (subject_id),
                    instrument INTEGER NOT NULL,
                    scores BLOB NOT NULL,
                    updated_at INTEGER NOT NULL,
                    saved_by TEXT NOT NULL,
                    completed_assessment_id TEXT NULL REFERENCES assessments (assessment_id)
                );
                CREATE INDEX ix_assessment_drafts_subject ON assessment_drafts (subject_id);
                """,
            postgres: """
                CREATE TABLE assessment_drafts (
                    draft_id text NOT NULL PRIMARY KEY,
                    subject_id text NOT NULL REFERENCES subjects (subject_id),
                    instrument integer NOT NULL,
                    scores bytea NOT NULL,
                    updated_at bigint NOT NULL,
                    saved_by text NOT NULL,
                    completed_assessment_id text NULL REFERENCES assessments (assessment_id)
                );
                CREATE INDEX ix_assessment_drafts_subject ON assessment_drafts (subject_id);
                """)
        .Add(5, "subjects_supervision_start",
            sqlite: "ALTER TABLE subjects ADD COLUMN supervision_start_day INTEGER NULL;",
            postgres: "ALTER TABLE subjects ADD COLUMN supervision_start_day integer NULL;")
        // The shared, hash-chained audit_log (mappa.messaging migration 2) replaces audit_entries; its rows are moved
        // there at start-up by LegacyAuditImport (Features/Assessments/AssessmentAudit.cs), none dropped.
        .Add(6, "retire_audit_entries", "ALTER TABLE audit_entries RENAME TO audit_entries_legacy;");
}
