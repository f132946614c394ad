"""Append-only schema history. Never edit a migration that has shipped: add a new one.

Each migration is a function registered with @migration; sqlite-utils' Migrations runs each
in its own transaction and records it in `_sqlite_migrations`. sqlite-utils is imported only
when something is pending (see base.open_base), so this module stays cheap to import.
"""

from __future__ import annotations

MIGRATIONS: list = []


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
    # Frozen copy of the chain function as it was when this migration shipped (db.event_chain
    # may evolve; a migration must keep doing what it did).
    import hashlib

    def event_chain(previous, fields):
        text = "\x1f".join("" if f is None else str(f) for f in fields)
        return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()

    db.execute("ALTER TABLE events ADD COLUMN chain TEXT")
    db.execute("DROP TRIGGER events_no_update")
    previous = ""
    for row in db.execute("SELECT id, at, user, action, entity, entity_id, before, after FROM events ORDER BY id").fetchall():
        previous = event_chain(previous, row[1:])
        db.execute("UPDATE events SET chain = ? WHERE id = ?", [previous, row[0]])
    db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")


def _widen_check(db, table: str, old: str, new: str) -> None:
    # SQLite cannot ALTER a CHECK constraint, and rebuilding a table that others reference is
    # not possible inside the migration's transaction with foreign keys on. Widening a CHECK
    # (every stored row still satisfies it) is the schema-only change SQLite documents in
    # "Making Other Kinds Of Table Schema Changes": edit the stored CREATE statement and bump
    # schema_version. Frozen here, on purpose: no live code is called.
    if getattr(db, "engine", "sqlite") == "postgresql":  # pg_schema's migrator: ALTER … CONSTRAINT
        return db.widen_check(table, new)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    if old not in sql:
        raise RuntimeError(f"m005: unexpected schema of {table}")
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", [sql.replace(old, new), table])
    db.execute(f"PRAGMA schema_version = {version + 1}")
    db.execute("PRAGMA writable_schema = OFF")


@migration
def m005_intake_and_corrections(db):
    # Intake that never loses a petition and corrections that keep the trail (issue 11):
    # withdrawn / duplicate petitions stay in history but leave every count; interim answers
    # and whether the petitioner accepted an answer; undoable import batches (an undone batch
    # keeps its row for `import list` but releases its file hash, so the file can come again);
    # possible duplicates flagged for the clerk to decide; cancelled sessions.
    _widen_check(db, "petitions",
                 "CHECK (status IN ('new','assigned','answered','transferred','escalated','closed'))",
                 "CHECK (status IN ('new','assigned','answered','transferred','escalated','closed',"
                 "'withdrawn','duplicate'))")
    _widen_check(db, "actions",
                 "'escalate','verify','notify_petitioner','notify_mttq','close','reopen'))",
                 "'escalate','verify','notify_petitioner','notify_mttq','close','reopen',"
                 "'answer_interim','withdraw','restore','merge','unmerge'))")
    _widen_check(db, "sessions",
                 "CHECK (status IN ('planned','notice_sent','held','reviewed','closed'))",
                 "CHECK (status IN ('planned','notice_sent','held','reviewed','closed','cancelled'))")
    db.executescript(
        """
        ALTER TABLE petitions ADD COLUMN duplicate_of INTEGER REFERENCES petitions(id);
        ALTER TABLE petitions ADD COLUMN set_aside_reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE petitions ADD COLUMN status_before TEXT;
        ALTER TABLE actions ADD COLUMN accepted INTEGER;
        ALTER TABLE sessions ADD COLUMN cancelled_on TEXT;
        ALTER TABLE sessions ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE import_batches ADD COLUMN sheet TEXT NOT NULL DEFAULT '';
        ALTER TABLE import_batches ADD COLUMN notes TEXT NOT NULL DEFAULT '';
        ALTER TABLE import_batches ADD COLUMN undone_at TEXT;
        ALTER TABLE import_batches ADD COLUMN undone_by TEXT;
        ALTER TABLE import_batches ADD COLUMN undo_reason TEXT NOT NULL DEFAULT '';
        CREATE TABLE duplicate_flags (
            id          INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions(id),
            other_id    INTEGER NOT NULL REFERENCES petitions(id),
            state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','unflagged','merged')),
            created_at  TEXT NOT NULL,
            decided_at  TEXT,
            UNIQUE (petition_id, other_id)
        );
        CREATE INDEX duplicate_flags_other ON duplicate_flags(other_id);
        """
    )
    # Speaking numbers unique within a session on every path. Imports before this release could
    # number several speakers 1: the later ones move to the end of their session's list.
    seen: dict[int, set] = {}
    top: dict[int, int] = dict(db.execute(
        "SELECT session_id, MAX(speak_order) FROM petitions GROUP BY session_id").fetchall())
    for pid, sid, order in db.execute("SELECT id, session_id, speak_order FROM petitions "
                                      "WHERE speak_order IS NOT NULL ORDER BY session_id, speak_order, id").fetchall():
        if order in seen.setdefault(sid, set()):
            top[sid] += 1
            db.execute("UPDATE petitions SET speak_order = ? WHERE id = ?", [top[sid], pid])
        else:
            seen[sid].add(order)
    db.execute("CREATE UNIQUE INDEX petitions_speaker ON petitions(session_id, speak_order) WHERE speak_order IS NOT NULL")


@migration
def m006_row_seals(db):
    # Tampering shows (issue 12): triggers note every write to the case tables in
    # row_touched, whoever makes it; doithoai seals the rows it wrote (row_seals + a `seal`
    # event in the hash chain) and clears its own notes, so what remains was written outside
    # the tool. Existing rows are sealed here once, as a baseline. Frozen: the column lists,
    # the digest and the chain function as they were when this migration shipped.
    import datetime as dt
    import getpass
    import hashlib
    import json

    tracked = {
        "sessions": ("code", "title", "commune", "date", "time", "location", "chair", "secretary", "status",
                     "notice_by", "review_by", "answer_due", "complex_answer_due", "notice_sent_on", "held_on",
                     "reviewed_on", "closed_on", "conclusion"),
        "petitioners": ("name", "is_organisation", "address", "phone", "id_number"),
        "petitions": ("session_id", "petitioner_id", "stable_key", "form_no", "content", "field_id", "urgency",
                      "source", "registered_on", "speak", "speak_order", "proposed_agency", "status", "complex",
                      "complex_reason", "conclusion", "lead_agency_id", "due_on"),
        "assignments": ("petition_id", "agency_id", "role", "due_on", "due_rule", "manual_due", "assigned_on",
                        "active"),
        "actions": ("petition_id", "kind", "on_date", "agency_id", "to_body", "doc_number", "doc_date", "summary",
                    "resolved"),
    }

    def digest(values):
        text = "\x1f".join("\x00" if v is None else str(v) for v in values)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def chain(previous, fields):
        text = "\x1f".join("" if f is None else str(f) for f in fields)
        return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()

    conn = db.conn
    db.executescript(
        """
        CREATE TABLE row_seals (
            event_id INTEGER NOT NULL,
            tbl      TEXT NOT NULL,
            row_id   INTEGER NOT NULL,
            digest   TEXT,              -- NULL: the row was deleted
            PRIMARY KEY (tbl, row_id, event_id)
        ) WITHOUT ROWID;
        CREATE INDEX row_seals_event ON row_seals(event_id);
        CREATE TABLE row_touched (
            id     INTEGER PRIMARY KEY,
            tbl    TEXT NOT NULL,
            row_id INTEGER NOT NULL
        );
        """
    )
    for tbl in tracked:
        db.executescript(
            f"""
            CREATE TRIGGER {tbl}_touched_insert AFTER INSERT ON {tbl}
                BEGIN INSERT INTO row_touched (tbl, row_id) VALUES ('{tbl}', NEW.id); END;
            CREATE TRIGGER {tbl}_touched_update AFTER UPDATE ON {tbl}
                BEGIN INSERT INTO row_touched (tbl, row_id) SELECT '{tbl}', OLD.id UNION SELECT '{tbl}', NEW.id; END;
            CREATE TRIGGER {tbl}_touched_delete AFTER DELETE ON {tbl}
                BEGIN INSERT INTO row_touched (tbl, row_id) VALUES ('{tbl}', OLD.id); END;
            """
        )
    entries = []
    for tbl, cols in tracked.items():
        for row in conn.execute(f"SELECT id, {', '.join(cols)} FROM {tbl}"):
            entries.append((tbl, row[0], digest(row[1:])))
    h = hashlib.sha256()
    for tbl, row_id, dg in sorted(entries, key=lambda e: (e[0], e[1])):
        h.update(f"{tbl}\x1f{row_id}\x1f{dg or ''}\x1e".encode())
    try:
        user = getpass.getuser()
    except Exception:
        user = "?"
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    after = json.dumps({"baseline": True, "rows": len(entries), "sha256": h.hexdigest()}, ensure_ascii=False,
                       sort_keys=True)
    fields = [at, user, "seal", "row_seals", None, None, after]
    last = conn.execute("SELECT chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO events (at, user, action, entity, entity_id, before, after, chain) "
                 "VALUES (?,?,?,?,?,?,?,?)", [*fields, chain(last[0] if last and last[0] else "", fields)])
    event_id = conn.execute("SELECT max(id) FROM events").fetchone()[0]
    conn.executemany("INSERT INTO row_seals (event_id, tbl, row_id, digest) VALUES (?,?,?,?)",
                     [(event_id, t, i, d) for t, i, d in entries])


@migration
def m007_issued_documents(db):
    # Issue 10: an issued document is kept as issued. The register holds the .docx bytes
    # (a re-render reproduces them; a public copy is the issued bytes redacted), a status
    # (issued | replaced when reissued) and the numbering series (a calendar year for state
    # documents, a committee term for party ones). The single `unit.parent` setting served
    # two purposes; it becomes `unit.superior` (header line) and `unit.escalate_to`.
    import hashlib
    import re
    import unicodedata
    from pathlib import Path

    def fold(text: str) -> str:
        # Frozen copy of doithoai.text.fold as of this migration: a later change to the live
        # matching rules must not change what this step did to an old base.
        text = " ".join(unicodedata.normalize("NFC", text).split())
        text = re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFD", text).casefold())
        return text.replace("đ", "d").replace("ð", "d")

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


@migration
def m008_mail_outbox(db):
    # Reminders by e-mail. mail_outbox holds one row per message: queued in the transaction
    # that writes the letter, then sent; a refused delivery stays 'failed' and is retried by
    # the next run, so nothing is lost. target is 'agency' (one per agency per working day),
    # 'office' (the unit's own daily reminder) or 'test'. due_notices remembers which petitions
    # were already announced as due soon (once per petition). agencies.head_email: at the
    # escalation steps the letter also goes to the head of the agency. The indexes keep a run
    # proportional to what it reminds: an agency's overdue petitions by index, the history of
    # only the petitions being reminded, and the pending queue.
    db.executescript(
        """
        CREATE TABLE mail_outbox (
            id            INTEGER PRIMARY KEY,
            target        TEXT NOT NULL CHECK (target IN ('agency','office','test')),
            agency_id     INTEGER REFERENCES agencies(id),
            on_date       TEXT NOT NULL,
            subject       TEXT NOT NULL,
            body          TEXT NOT NULL,
            attachments   TEXT NOT NULL DEFAULT '[]',
            petition_ids  TEXT NOT NULL DEFAULT '[]',
            escalated     INTEGER NOT NULL DEFAULT 0,
            document_id   INTEGER REFERENCES documents(id),
            status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
            message_id    TEXT NOT NULL DEFAULT '',
            recipients    TEXT NOT NULL DEFAULT '',
            attempts      INTEGER NOT NULL DEFAULT 0,
            last_attempt_at TEXT,
            sent_at       TEXT,
            error         TEXT NOT NULL DEFAULT '',
            claimed_at    TEXT,   -- a run is delivering it (two cron runs never send it twice)
            created_at    TEXT NOT NULL
        );
        CREATE UNIQUE INDEX mail_outbox_once_a_day ON mail_outbox(target, IFNULL(agency_id, 0), on_date) WHERE target <> 'test';
        CREATE INDEX mail_outbox_unsent ON mail_outbox(status) WHERE status <> 'sent';
        CREATE TABLE mail_attempts (
            id          INTEGER PRIMARY KEY,
            outbox_id   INTEGER NOT NULL REFERENCES mail_outbox(id),
            at          TEXT NOT NULL,
            message_id  TEXT NOT NULL,
            recipients  TEXT NOT NULL,
            result      TEXT NOT NULL CHECK (result IN ('sent','failed')),
            error       TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX mail_attempts_outbox ON mail_attempts(outbox_id);
        CREATE TABLE due_notices (
            petition_id INTEGER PRIMARY KEY REFERENCES petitions(id),
            on_date     TEXT NOT NULL
        );
        ALTER TABLE agencies ADD COLUMN head_email TEXT NOT NULL DEFAULT '';
        CREATE INDEX petitions_agency_due ON petitions(lead_agency_id, status, due_on);
        CREATE INDEX reminders_day ON reminders(on_date, agency_id);
        CREATE INDEX assignments_support ON assignments(petition_id, role, active, agency_id);
        CREATE INDEX actions_written ON actions(kind, doc_date);
        """
    )


@migration
def m009_search_and_tallies(db):
    # Province scale (a million petitions). 1) Full-text search: a trigram FTS5 index over each
    # petition's folded text. SQLite cannot fold đ, so search.py folds in Python; these pure-SQL
    # triggers only queue changed petitions, so writes by any tool keep the queue right.
    # 2) Tallies for `report summary`, kept by triggers: counts by status/field/source/lead
    # agency, and the first written answer of each petition counted by session, date and
    # on-time-ness, so the summary reads a few thousand rows instead of every petition.
    # 3) Indexes for the received/due date filters.
    db.executescript(
        """
        CREATE VIRTUAL TABLE petition_search USING fts5(doc, tokenize = 'trigram');
        CREATE TABLE search_stale (petition_id INTEGER PRIMARY KEY);
        CREATE TRIGGER search_petition_insert AFTER INSERT ON petitions
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (new.id); END;
        CREATE TRIGGER search_petition_update
            AFTER UPDATE OF content, content_fold, conclusion, field_id, petitioner_id ON petitions
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (new.id); END;
        CREATE TRIGGER search_petition_delete AFTER DELETE ON petitions
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (old.id); END;
        CREATE TRIGGER search_petitioner_update AFTER UPDATE OF name, name_fold, address, phone ON petitioners
            BEGIN INSERT OR IGNORE INTO search_stale SELECT id FROM petitions WHERE petitioner_id = new.id; END;
        CREATE TRIGGER search_action_insert AFTER INSERT ON actions
            WHEN new.kind IN ('answer_meeting', 'answer_written')
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (new.petition_id); END;
        CREATE TRIGGER search_action_update AFTER UPDATE ON actions
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (old.petition_id), (new.petition_id); END;
        CREATE TRIGGER search_action_delete AFTER DELETE ON actions
            WHEN old.kind IN ('answer_meeting', 'answer_written')
            BEGIN INSERT OR IGNORE INTO search_stale VALUES (old.petition_id); END;
        CREATE TRIGGER search_field_update AFTER UPDATE OF name, name_fold, aliases ON fields
            BEGIN INSERT OR IGNORE INTO search_stale SELECT id FROM petitions WHERE field_id = new.id; END;

        -- 0 stands for "none" in field_id / lead_agency_id, so the key is never NULL.
        CREATE TABLE petition_counts (
            status         TEXT NOT NULL,
            field_id       INTEGER NOT NULL,
            source         TEXT NOT NULL,
            lead_agency_id INTEGER NOT NULL,
            n              INTEGER NOT NULL,
            PRIMARY KEY (status, field_id, source, lead_agency_id)
        ) WITHOUT ROWID;
        INSERT INTO petition_counts
            SELECT status, COALESCE(field_id, 0), source, COALESCE(lead_agency_id, 0), COUNT(*)
            FROM petitions GROUP BY 1, 2, 3, 4;
        CREATE TRIGGER tally_petition_insert AFTER INSERT ON petitions BEGIN
            INSERT INTO petition_counts
                VALUES (new.status, COALESCE(new.field_id, 0), new.source, COALESCE(new.lead_agency_id, 0), 1)
                ON CONFLICT DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER tally_petition_delete AFTER DELETE ON petitions BEGIN
            UPDATE petition_counts SET n = n - 1
             WHERE status = old.status AND field_id = COALESCE(old.field_id, 0) AND source = old.source
               AND lead_agency_id = COALESCE(old.lead_agency_id, 0);
        END;
        CREATE TRIGGER tally_petition_update AFTER UPDATE OF status, field_id, source, lead_agency_id ON petitions
            WHEN old.status IS NOT new.status OR old.field_id IS NOT new.field_id OR old.source IS NOT new.source
              OR old.lead_agency_id IS NOT new.lead_agency_id
        BEGIN
            UPDATE petition_counts SET n = n - 1
             WHERE status = old.status AND field_id = COALESCE(old.field_id, 0) AND source = old.source
               AND lead_agency_id = COALESCE(old.lead_agency_id, 0);
            INSERT INTO petition_counts
                VALUES (new.status, COALESCE(new.field_id, 0), new.source, COALESCE(new.lead_agency_id, 0), 1)
                ON CONFLICT DO UPDATE SET n = n + 1;
        END;

        -- The first written answer of each petition (what the summary's on-time share and
        -- median delay are about). Triggers queue each change of it as a delta; reports.py
        -- folds the queue into answer_days, the histogram of working days from session to
        -- answer (working days need the calendar, which SQL does not have), and rebuilds the
        -- histogram when the calendar or a session date changes (tally_state).
        CREATE TABLE first_written (
            petition_id INTEGER PRIMARY KEY,
            session_id  INTEGER NOT NULL,
            doc_date    TEXT NOT NULL,
            due_on      TEXT
        );
        -- Withdrawn and merged petitions (m005) are out of every count: not in first_written.
        INSERT INTO first_written
            SELECT x.petition_id, p.session_id, MIN(x.doc_date), p.due_on
            FROM actions x JOIN petitions p ON p.id = x.petition_id
            WHERE x.kind = 'answer_written' AND x.doc_date IS NOT NULL
              AND p.status NOT IN ('withdrawn', 'duplicate')
            GROUP BY x.petition_id;
        CREATE TABLE answer_queue (
            id         INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL,
            doc_date   TEXT NOT NULL,
            on_time    INTEGER NOT NULL,
            dn         INTEGER NOT NULL
        );
        CREATE TABLE answer_days (
            days    INTEGER NOT NULL,
            on_time INTEGER NOT NULL,
            n       INTEGER NOT NULL,
            PRIMARY KEY (days, on_time)
        ) WITHOUT ROWID;
        CREATE TABLE tally_state (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        INSERT INTO tally_state VALUES ('answer_days.calendar', 'rebuild');
        CREATE TRIGGER tally_first_insert AFTER INSERT ON first_written BEGIN
            INSERT INTO answer_queue (session_id, doc_date, on_time, dn)
                VALUES (new.session_id, new.doc_date, new.due_on IS NULL OR new.doc_date <= new.due_on, 1);
        END;
        CREATE TRIGGER tally_first_delete AFTER DELETE ON first_written BEGIN
            INSERT INTO answer_queue (session_id, doc_date, on_time, dn)
                VALUES (old.session_id, old.doc_date, old.due_on IS NULL OR old.doc_date <= old.due_on, -1);
        END;
        CREATE TRIGGER tally_first_update AFTER UPDATE ON first_written BEGIN
            INSERT INTO answer_queue (session_id, doc_date, on_time, dn)
                VALUES (old.session_id, old.doc_date, old.due_on IS NULL OR old.doc_date <= old.due_on, -1),
                       (new.session_id, new.doc_date, new.due_on IS NULL OR new.doc_date <= new.due_on, 1);
        END;
        CREATE TRIGGER tally_session_date AFTER UPDATE OF date ON sessions WHEN old.date IS NOT new.date BEGIN
            UPDATE tally_state SET value = 'rebuild' WHERE key = 'answer_days.calendar';
        END;
        CREATE TRIGGER tally_written_insert AFTER INSERT ON actions
            WHEN new.kind = 'answer_written' AND new.doc_date IS NOT NULL
        BEGIN
            INSERT INTO first_written (petition_id, session_id, doc_date, due_on)
                SELECT new.petition_id, p.session_id, new.doc_date, p.due_on FROM petitions p
                WHERE p.id = new.petition_id AND p.status NOT IN ('withdrawn', 'duplicate')
                ON CONFLICT (petition_id) DO UPDATE SET doc_date = excluded.doc_date
                WHERE excluded.doc_date < first_written.doc_date;
        END;
        CREATE TRIGGER tally_written_change AFTER UPDATE ON actions
            WHEN old.kind = 'answer_written' OR new.kind = 'answer_written'
        BEGIN
            DELETE FROM first_written WHERE petition_id IN (old.petition_id, new.petition_id);
            INSERT INTO first_written
                SELECT x.petition_id, p.session_id, MIN(x.doc_date), p.due_on
                FROM actions x JOIN petitions p ON p.id = x.petition_id
                WHERE x.petition_id IN (old.petition_id, new.petition_id) AND x.kind = 'answer_written'
                  AND x.doc_date IS NOT NULL AND p.status NOT IN ('withdrawn', 'duplicate')
                GROUP BY x.petition_id;
        END;
        CREATE TRIGGER tally_written_delete AFTER DELETE ON actions WHEN old.kind = 'answer_written' BEGIN
            DELETE FROM first_written WHERE petition_id = old.petition_id;
            INSERT INTO first_written
                SELECT x.petition_id, p.session_id, MIN(x.doc_date), p.due_on
                FROM actions x JOIN petitions p ON p.id = x.petition_id
                WHERE x.petition_id = old.petition_id AND x.kind = 'answer_written' AND x.doc_date IS NOT NULL
                  AND p.status NOT IN ('withdrawn', 'duplicate')
                GROUP BY x.petition_id;
        END;
        CREATE TRIGGER tally_petition_set_aside AFTER UPDATE OF status ON petitions
            WHEN (old.status IN ('withdrawn', 'duplicate')) IS NOT (new.status IN ('withdrawn', 'duplicate'))
        BEGIN
            DELETE FROM first_written WHERE petition_id = new.id;
            INSERT INTO first_written
                SELECT x.petition_id, new.session_id, MIN(x.doc_date), new.due_on
                FROM actions x
                WHERE x.petition_id = new.id AND x.kind = 'answer_written' AND x.doc_date IS NOT NULL
                  AND new.status NOT IN ('withdrawn', 'duplicate')
                GROUP BY x.petition_id;
        END;
        CREATE TRIGGER tally_petition_due AFTER UPDATE OF due_on, session_id ON petitions
            WHEN old.due_on IS NOT new.due_on OR old.session_id IS NOT new.session_id
        BEGIN
            UPDATE first_written SET due_on = new.due_on, session_id = new.session_id WHERE petition_id = new.id;
        END;
        CREATE TRIGGER tally_petition_gone AFTER DELETE ON petitions BEGIN
            DELETE FROM first_written WHERE petition_id = old.id;
        END;

        CREATE INDEX petitions_registered ON petitions(registered_on);
        CREATE INDEX petitions_due ON petitions(due_on);

        -- Petitions already present are queued: the first search folds them into the index
        -- (search.catch_up), as it does for any later change.
        INSERT INTO search_stale SELECT id FROM petitions;
        """
    )


@migration
def m010_register_anchor(db):
    # Issue 12: each issued document carries the head of the event chain at its issue (in the
    # register and in the .docx's properties), so a copy of a document held outside the base
    # is one more anchor that `db check` verifies. Documents issued before have none.
    db.execute("ALTER TABLE documents ADD COLUMN anchor TEXT NOT NULL DEFAULT ''")


NAMES = [fn.__name__ for fn in MIGRATIONS]
