"""Append-only schema history. Never edit a migration that has shipped: add a new one.

Each migration is a function registered with @migration; sqlite-utils' Migrations runs each
in its own transaction and records it in `_sqlite_migrations`. sqlite-utils is imported only
when something is pending (see db.connect), so this module stays cheap to import.
"""

from __future__ import annotations

MIGRATIONS = []


def migration(fn):
    MIGRATIONS.append(fn)
    return fn


def migration_set():
    """The sqlite-utils Migrations object for these functions."""
    from sqlite_utils import Migrations

    ms = Migrations("doithoai")
    for fn in MIGRATIONS:
        ms(name=fn.__name__)(fn)
    return ms


@migration
def m001_initial(db):
    # The whole case base of DESIGN.md §5. Dates are ISO text (YYYY-MM-DD); times UTC ISO.
    # *_fold columns hold the diacritic-free lower-case form used by search and matching.
    db.executescript(
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE agencies (
            id        INTEGER PRIMARY KEY,
            code      TEXT NOT NULL UNIQUE,
            name      TEXT NOT NULL,
            name_fold TEXT NOT NULL,
            kind      TEXT NOT NULL DEFAULT '',
            email     TEXT NOT NULL DEFAULT '',
            head      TEXT NOT NULL DEFAULT '',
            aliases   TEXT NOT NULL DEFAULT '',
            active    INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE fields (
            id        INTEGER PRIMARY KEY,
            code      TEXT NOT NULL UNIQUE,
            name      TEXT NOT NULL UNIQUE,
            name_fold TEXT NOT NULL,
            aliases   TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE sessions (
            id                 INTEGER PRIMARY KEY,
            code               TEXT NOT NULL UNIQUE,
            title              TEXT NOT NULL DEFAULT '',
            commune            TEXT NOT NULL,
            date               TEXT NOT NULL,
            time               TEXT NOT NULL DEFAULT '',
            location           TEXT NOT NULL DEFAULT '',
            chair              TEXT NOT NULL DEFAULT '',
            secretary          TEXT NOT NULL DEFAULT '',
            status             TEXT NOT NULL DEFAULT 'planned'
                               CHECK (status IN ('planned','notice_sent','held','reviewed','closed')),
            notice_by          TEXT,
            review_by          TEXT,
            answer_due         TEXT,
            complex_answer_due TEXT,
            calendar_rev       INTEGER,
            notice_sent_on     TEXT,
            held_on            TEXT,
            reviewed_on        TEXT,
            closed_on          TEXT,
            conclusion         TEXT NOT NULL DEFAULT '',
            created_at         TEXT NOT NULL
        );
        CREATE TABLE petitioners (
            id              INTEGER PRIMARY KEY,
            name            TEXT NOT NULL,
            name_fold       TEXT NOT NULL,
            is_organisation INTEGER NOT NULL DEFAULT 0,
            address         TEXT NOT NULL DEFAULT '',
            phone           TEXT NOT NULL DEFAULT '',
            id_number       TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX petitioners_name ON petitioners(name_fold, phone);
        CREATE TABLE petitions (
            id              INTEGER PRIMARY KEY,
            session_id      INTEGER NOT NULL REFERENCES sessions(id),
            petitioner_id   INTEGER NOT NULL REFERENCES petitioners(id),
            stable_key      TEXT NOT NULL UNIQUE,
            form_no         TEXT NOT NULL DEFAULT '',
            content         TEXT NOT NULL CHECK (content <> ''),
            content_fold    TEXT NOT NULL,
            field_id        INTEGER REFERENCES fields(id),
            urgency         TEXT NOT NULL DEFAULT 'thuong'
                            CHECK (urgency IN ('thuong','cap-thiet','khan')),
            source          TEXT NOT NULL DEFAULT 'phieu-dang-ky',
            registered_on   TEXT,
            speak           INTEGER NOT NULL DEFAULT 0,
            speak_order     INTEGER,
            proposed_agency TEXT NOT NULL DEFAULT '',
            status          TEXT NOT NULL DEFAULT 'new'
                            CHECK (status IN ('new','assigned','answered','transferred','escalated','closed')),
            complex         INTEGER NOT NULL DEFAULT 0,
            complex_reason  TEXT NOT NULL DEFAULT '',
            conclusion      TEXT NOT NULL DEFAULT '',
            -- Kept equal to the active lead assignment (or, unassigned, the session's answer
            -- date) by petitions.py, so that overdue reports are one index range scan.
            lead_agency_id  INTEGER REFERENCES agencies(id),
            due_on          TEXT,
            created_at      TEXT NOT NULL
        );
        CREATE INDEX petitions_session ON petitions(session_id, status);
        CREATE INDEX petitions_overdue ON petitions(status, due_on, lead_agency_id);
        CREATE INDEX petitions_petitioner ON petitions(petitioner_id);
        CREATE TABLE assignments (
            id           INTEGER PRIMARY KEY,
            petition_id  INTEGER NOT NULL REFERENCES petitions(id),
            agency_id    INTEGER NOT NULL REFERENCES agencies(id),
            role         TEXT NOT NULL CHECK (role IN ('lead','support')),
            due_on       TEXT NOT NULL,
            due_rule     TEXT NOT NULL,   -- how due_on was computed, in words
            manual_due   INTEGER NOT NULL DEFAULT 0,  -- 1: set by hand, never recomputed
            calendar_rev INTEGER,
            assigned_on  TEXT NOT NULL,
            active       INTEGER NOT NULL DEFAULT 1
        );
        CREATE UNIQUE INDEX assignments_one_lead ON assignments(petition_id) WHERE role = 'lead' AND active = 1;
        CREATE INDEX assignments_petition ON assignments(petition_id, active);
        CREATE INDEX assignments_agency ON assignments(agency_id, active);
        CREATE TABLE actions (
            id          INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            kind        TEXT NOT NULL CHECK (kind IN ('answer_meeting','answer_written','transfer',
                        'escalate','verify','notify_petitioner','notify_mttq','close','reopen')),
            on_date     TEXT NOT NULL,
            agency_id   INTEGER REFERENCES agencies(id),
            to_body     TEXT NOT NULL DEFAULT '',
            doc_number  TEXT NOT NULL DEFAULT '',
            doc_date    TEXT,
            summary     TEXT NOT NULL DEFAULT '',
            resolved    INTEGER,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX actions_petition ON actions(petition_id, kind);
        CREATE TABLE calendar_overrides (
            date       TEXT PRIMARY KEY,
            kind       TEXT NOT NULL CHECK (kind IN ('off','work')),
            reason     TEXT NOT NULL,
            source     TEXT NOT NULL DEFAULT '',
            shipped    INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE calendar_confirmed (
            year   INTEGER PRIMARY KEY,
            source TEXT NOT NULL
        );
        CREATE TABLE events (
            id        INTEGER PRIMARY KEY,
            at        TEXT NOT NULL,
            user      TEXT NOT NULL,
            action    TEXT NOT NULL,
            entity    TEXT NOT NULL,
            entity_id INTEGER,
            before    TEXT,
            after     TEXT
        );
        CREATE INDEX events_entity ON events(entity, entity_id);
        -- The event log is append-only.
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """
    )


@migration
def m002_import_batches(db):
    # Batch intake (imports): each file's sha256 per session, so re-running a cron import is
    # a no-op, and the counts a clerk was shown.
    db.executescript(
        """
        CREATE TABLE import_batches (
            id             INTEGER PRIMARY KEY,
            session_id     INTEGER NOT NULL REFERENCES sessions(id),
            file           TEXT NOT NULL,
            sha256         TEXT NOT NULL,
            format         TEXT NOT NULL,
            rows_read      INTEGER NOT NULL,
            rows_new       INTEGER NOT NULL,
            rows_present   INTEGER NOT NULL,
            rows_duplicate INTEGER NOT NULL,
            rows_rejected  INTEGER NOT NULL,
            user           TEXT NOT NULL,
            created_at     TEXT NOT NULL,
            UNIQUE (session_id, sha256)
        );
        ALTER TABLE petitions ADD COLUMN batch_id INTEGER REFERENCES import_batches(id);
        """
    )


@migration
def m003_documents_and_reminders(db):
    # The document register (sổ văn bản): regenerating a document keeps its number, so each
    # row is keyed on what the document is about. Reminders: the log that makes a cron run
    # idempotent and counts how often a petition was reminded.
    db.executescript(
        """
        CREATE TABLE documents (
            id          INTEGER PRIMARY KEY,
            kind        TEXT NOT NULL,
            doc_key     TEXT NOT NULL UNIQUE,
            year        INTEGER NOT NULL,
            type_code   TEXT NOT NULL,
            number      INTEGER,
            number_text TEXT NOT NULL DEFAULT '',
            session_id  INTEGER REFERENCES sessions(id),
            agency_id   INTEGER REFERENCES agencies(id),
            petition_id INTEGER REFERENCES petitions(id),
            doc_date    TEXT NOT NULL,
            path        TEXT NOT NULL,
            sha256      TEXT NOT NULL,
            template    TEXT NOT NULL,
            user        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE INDEX documents_numbering ON documents(year, type_code, number);
        CREATE TABLE reminders (
            id          INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            agency_id   INTEGER NOT NULL REFERENCES agencies(id),
            on_date     TEXT NOT NULL,
            level       INTEGER NOT NULL,
            document_id INTEGER REFERENCES documents(id),
            created_at  TEXT NOT NULL,
            UNIQUE (petition_id, on_date)
        );
        CREATE INDEX reminders_agency ON reminders(agency_id, on_date);
        """
    )


@migration
def m004_event_chain(db):
    # Event-log continuity: each event carries sha256(previous chain + its own fields), so
    # `db check` can tell an edited, removed or reordered event from an intact log.
    from doithoai.db import event_chain

    db.execute("ALTER TABLE events ADD COLUMN chain TEXT")
    db.execute("DROP TRIGGER events_no_update")
    previous = ""
    for row in db.execute("SELECT id, at, user, action, entity, entity_id, before, after FROM events ORDER BY id").fetchall():
        previous = event_chain(previous, row[1:])
        db.execute("UPDATE events SET chain = ? WHERE id = ?", [previous, row[0]])
    db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")


@migration
def m007_issued_documents(db):
    # Issue 10: an issued document is kept as issued. The register holds the .docx bytes
    # (a re-render reproduces them; a public copy is the issued bytes redacted), a status
    # (issued | replaced when reissued) and the numbering series (a calendar year for state
    # documents, a committee term for party ones). The single `unit.parent` setting served
    # two purposes; it becomes `unit.superior` (header line) and `unit.escalate_to`.
    import hashlib
    from pathlib import Path

    from doithoai.text import fold

    db.execute("ALTER TABLE documents ADD COLUMN content BLOB")
    db.execute("ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'issued'")
    db.execute("ALTER TABLE documents ADD COLUMN replaced_by INTEGER REFERENCES documents(id)")
    db.execute("ALTER TABLE documents ADD COLUMN series TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE documents SET series = CAST(year AS TEXT)")
    for doc_id, path, sha in db.execute("SELECT id, path, sha256 FROM documents").fetchall():
        try:
            data = Path(path).read_bytes()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() == sha:  # the file is still exactly as issued
            db.execute("UPDATE documents SET content = ? WHERE id = ?", [data, doc_id])
    row = db.execute("SELECT value FROM settings WHERE key = 'unit.parent'").fetchone()
    if row is not None:
        parent = row[0].strip()
        style = db.execute("SELECT value FROM settings WHERE key = 'unit.style'").fetchone()
        superior = ""
        if style and style[0] == "party":
            words = parent.split()
            levels = {"tinh uy": "TỈNH", "huyen uy": "HUYỆN", "thanh uy": "THÀNH PHỐ", "thi uy": "THỊ XÃ", "dang uy": ""}
            level = levels.get(fold(" ".join(words[:2])))
            if level is None or len(words) < 3:
                superior = parent.upper()
            else:
                superior = " ".join(x for x in ("ĐẢNG BỘ", level, " ".join(words[2:]).upper()) if x)
        for key, value in (("unit.escalate_to", parent), ("unit.superior", superior)):
            db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, value])
        db.execute("DELETE FROM settings WHERE key = 'unit.parent'")



@migration
def m007b_session_persons(db):
    # Issue 10: the minutes are signed by persons. A session keeps the chair and the secretary
    # as name + position, apart from `chair` (the chair's office, used in running text); the
    # officials attending ("name, position; …"), citizens present and the end time.
    for column in ("chair_name TEXT NOT NULL DEFAULT ''", "chair_position TEXT NOT NULL DEFAULT ''",
                   "secretary_name TEXT NOT NULL DEFAULT ''", "secretary_position TEXT NOT NULL DEFAULT ''",
                   "officials TEXT NOT NULL DEFAULT ''", "citizens_present INTEGER", "end_time TEXT NOT NULL DEFAULT ''"):
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column}")


NAMES = [fn.__name__ for fn in MIGRATIONS]
