using Mappa.Messaging.Migrations;

namespace Mappa.Scheduling.Persistence;

/// <summary>
/// The service's schema, one migration at a time. Applied migrations are never edited (the runner checks their
/// checksums): a change is a new migration. Instants are Unix milliseconds and dates are day numbers
/// (<see cref="DateOnly.DayNumber"/>), so both providers store and sort them the same way.
/// </summary>
public static class SchedulingSchema
{
    public static SchemaMigrations Migrations { get; } = new SchemaMigrations("mappa.scheduling")
        .Add(1, "create_review_calendar",
            sqlite: """
                CREATE TABLE review_obligations (
                    obligation_id TEXT NOT NULL PRIMARY KEY,
                    subject_id TEXT NOT NULL,
                    area TEXT NOT NULL,
                    review_kind INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    instrument INTEGER NULL,
                    lead_time_days INTEGER NOT NULL,
                    reminder_cadence_days INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    due_day INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    closed_at INTEGER NULL,
                    wake_up_at INTEGER NULL,
                    version INTEGER NOT NULL
                );
                CREATE INDEX ix_review_obligations_wake_up ON review_obligations (wake_up_at) WHERE wake_up_at IS NOT NULL;
                CREATE INDEX ix_review_obligations_due ON review_obligations (due_day, obligation_id);
                CREATE INDEX ix_review_obligations_area_due ON review_obligations (area, due_day, obligation_id);
                CREATE INDEX ix_review_obligations_subject ON review_obligations (subject_id, due_day);
                CREATE TABLE review_obligation_revisions (
                    obligation_id TEXT NOT NULL REFERENCES review_obligations (obligation_id),
                    number INTEGER NOT NULL,
                    due_day INTEGER NOT NULL,
                    effective_from INTEGER NOT NULL,
                    PRIMARY KEY (obligation_id, number)
                );
                CREATE TABLE review_milestones (
                    position INTEGER NOT NULL PRIMARY KEY,
                    milestone_id TEXT NOT NULL UNIQUE,
                    obligation_id TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    area TEXT NOT NULL,
                    kind INTEGER NOT NULL,
                    review_kind INTEGER NOT NULL,
                    due_day INTEGER NOT NULL,
                    planned_day INTEGER NULL,
                    falls_due_at INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    event_id TEXT NOT NULL
                );
                CREATE INDEX ix_review_milestones_area ON review_milestones (area, position);
                CREATE INDEX ix_review_milestones_falls_due ON review_milestones (falls_due_at, position);
                CREATE TABLE scheduling_counters (
                    name TEXT NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                );
                INSERT INTO scheduling_counters (name, value) VALUES ('milestones', 0);
                CREATE TABLE subject_areas (
                    subject_id TEXT NOT NULL PRIMARY KEY,
                    area TEXT NOT NULL
                );
                CREATE TABLE known_assessments (
                    assessment_id TEXT NOT NULL PRIMARY KEY,
                    subject_id TEXT NOT NULL,
                    instrument INTEGER NOT NULL
                );
                """,
            postgres: """
                CREATE TABLE review_obligations (
                    obligation_id text NOT NULL PRIMARY KEY,
                    subject_id text NOT NULL,
                    area text NOT NULL,
                    review_kind integer NOT NULL,
                    source text NOT NULL,
                    instrument integer NULL,
                    lead_time_days integer NOT NULL,
                    reminder_cadence_days integer NOT NULL,
                    state integer NOT NULL,
                    due_day integer NOT NULL,
                    recorded_at bigint NOT NULL,
                    closed_at bigint NULL,
                    wake_up_at bigint NULL,
                    version integer NOT NULL
                );
                CREATE INDEX ix_review_obligations_wake_up ON review_obligations (wake_up_at) WHERE wake_up_at IS NOT NULL;
                CREATE INDEX ix_review_obligations_due ON review_obligations (due_day, obligation_id);
                CREATE INDEX ix_review_obligations_area_due ON review_obligations (area, due_day, obligation_id);
                CREATE INDEX ix_review_obligations_subject ON review_obligations (subject_id, due_day);
                CREATE TABLE review_obligation_revisions (
                    obligation_id text NOT NULL REFERENCES review_obligations (obligation_id),
                    number integer NOT NULL,
                    due_day integer NOT NULL,
                    effective_from bigint NOT NULL,
                    PRIMARY KEY (obligation_id, number)
                );
                CREATE TABLE review_milestones (
                    position bigint NOT NULL PRIMARY KEY,
                    milestone_id text NOT NULL UNIQUE,
                    obligation_id text NOT NULL,
                    subject_id text NOT NULL,
                    area text NOT NULL,
                    kind integer NOT NULL,
                    review_kind integer NOT NULL,
                    due_day integer NOT NULL,
                    planned_day integer NULL,
                    falls_due_at bigint NOT NULL,
                    recorded_at bigint NOT NULL,
                    event_id text NOT NULL
                );
                CREATE INDEX ix_review_milestones_area ON review_milestones (area, position);
                CREATE INDEX ix_review_milestones_falls_due ON review_milestones (falls_due_at, position);
                CREATE TABLE scheduling_counters (
                    name text NOT NULL PRIMARY KEY,
                    value bigint NOT NULL
                );
                INSERT INTO scheduling_counters (name, value) VALUES ('milestones', 0);
                CREATE TABLE subject_areas (
                    subject_id text NOT NULL PRIMARY KEY,
                    area text NOT NULL
                );
                CREATE TABLE known_assessments (
                    assessment_id text NOT NULL PRIMARY KEY,
                    subject_id text NOT NULL,
                    instrument integer NOT NULL
                );
                """)
        .Add(2, "create_booked_conferences",
            sqlite: """
                CREATE TABLE booked_conferences (
                    conference_id TEXT NOT NULL PRIMARY KEY,
                    subject_id TEXT NOT NULL,
                    area TEXT NOT NULL,
                    starts_at INTEGER NOT NULL,
                    level INTEGER NULL,
                    sequence INTEGER NOT NULL
                );
                CREATE INDEX ix_booked_conferences_area_start ON booked_conferences (area, starts_at);
                """,
            postgres: """
                CREATE TABLE booked_conferences (
                    conference_id text NOT NULL PRIMARY KEY,
                    subject_id text NOT NULL,
                    area text NOT NULL,
                    starts_at bigint NOT NULL,
                    level integer NULL,
                    sequence integer NOT NULL
                );
                CREATE INDEX ix_booked_conferences_area_start ON booked_conferences (area, starts_at);
                """)
        .Add(3, "booked_conferences_cancelled",
            sqlite: "ALTER TABLE booked_conferences ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;",
            postgres: "ALTER TABLE booked_conferences ADD COLUMN cancelled integer NOT NULL DEFAULT 0;")
        .Add(4, "compliance_facts",
            sqlite: """
                ALTER TABLE known_assessments ADD COLUMN recorded_at INTEGER NULL;
                ALTER TABLE known_assessments ADD COLUMN superseded_at INTEGER NULL;
                CREATE INDEX ix_known_assessments_subject ON known_assessments (subject_id, instrument);
                ALTER TABLE subject_areas ADD COLUMN known_since INTEGER NULL;
                ALTER TABLE subject_areas ADD COLUMN supervision_start_day INTEGER NULL;
                CREATE INDEX ix_subject_areas_area ON subject_areas (area, subject_id);
                CREATE TABLE held_conferences (
                    conference_id TEXT NOT NULL PRIMARY KEY,
                    area TEXT NOT NULL,
                    held_day INTEGER NOT NULL
                );
                CREATE INDEX ix_held_conferences_area_day ON held_conferences (area, held_day);
                CREATE TABLE conference_attendance (
                    conference_id TEXT NOT NULL,
                    agency TEXT NOT NULL,
                    status TEXT NOT NULL,
                    PRIMARY KEY (conference_id, agency)
                );
                """,
            postgres: """
                ALTER TABLE known_assessments ADD COLUMN recorded_at bigint NULL;
                ALTER TABLE known_assessments ADD COLUMN superseded_at bigint NULL;
                CREATE INDEX ix_known_assessments_subject ON known_assessments (subject_id, instrument);
                ALTER TABLE subject_areas ADD COLUMN known_since bigint NULL;
                ALTER TABLE subject_areas ADD COLUMN supervision_start_day integer NULL;
                CREATE INDEX ix_subject_areas_area ON subject_areas (area, subject_id);
                CREATE TABLE held_conferences (
                    conference_id text NOT NULL PRIMARY KEY,
                    area text NOT NULL,
                    held_day integer NOT NULL
                );
                CREATE INDEX ix_held_conferences_area_day ON held_conferences (area, held_day);
                CREATE TABLE conference_attendance (
                    conference_id text NOT NULL,
                    agency text NOT NULL,
                    status text NOT NULL,
                    PRIMARY KEY (conference_id, agency)
                );
                """);
}
