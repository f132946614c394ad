"""A record that shows tampering.

Three layers, each checkable by `db check`:

1. **Row seals.** Triggers (migration m006) note every row of the case tables written by
   anyone — doithoai or the sqlite3 shell — in `row_touched`. When a doithoai transaction
   commits, the rows *it* touched are sealed: their digests go into `row_seals`, and one
   `seal` event carrying the sha256 of those digests joins the hash-chained event log.
   What remains in `row_touched` was written outside the tool. Replaying the seal events
   gives the state the log implies; `db check --full` compares it with every row.
2. **The event chain** (m004): each event hashes the previous one, so an edit in the
   middle shows — unless the attacker recomputes the chain to the end.
3. **Anchors outside the base.** The head of the chain (event id + hash) is appended to
   `<base>.anchors` after every write, printed by `db check`, and written into every
   backup's and dossier's manifest. Deleting or rewriting the last events, or recomputing
   the chain, no longer matches the newest anchor.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

# The columns sealed per table: the ones that carry the case. A later migration that adds a
# column does not change old digests; one that rewrites these columns is sealed by connect().
TRACKED: dict[str, tuple[str, ...]] = {
    "sessions": ("code", "title", "commune", "date", "time", "location", "chair", "secretary", "status",
                 "notice_by", "review_by", "answer_due", "complex_answer_due", "notice_sent_on", "held_on",
                 "reviewed_on", "closed_on", "conclusion"),
    "petitioners": ("name", "is_organisation", "address", "phone", "id_number"),
    "petitions": ("session_id", "petitioner_id", "stable_key", "form_no", "content", "field_id", "urgency", "source",
                  "registered_on", "speak", "speak_order", "proposed_agency", "status", "complex", "complex_reason",
                  "conclusion", "lead_agency_id", "due_on"),
    "assignments": ("petition_id", "agency_id", "role", "due_on", "due_rule", "manual_due", "assigned_on", "active"),
    "actions": ("petition_id", "kind", "on_date", "agency_id", "to_body", "doc_number", "doc_date", "summary",
                "resolved"),
}

TABLE_LABELS = {"sessions": "cuộc đối thoại", "petitioners": "người kiến nghị", "petitions": "kiến nghị",
                "assignments": "giao xử lý", "actions": "bước xử lý (trả lời, chuyển, đóng…)"}

SEAL_ACTION = "seal"
CHUNK = 500
STREAM = 5000  # touched rows sealed per step


def digest(values) -> str:
    text = "\x1f".join("\x00" if v is None else str(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def seal_hash(entries) -> str:
    """sha256 over the (table, id, digest) entries of one seal event, in a fixed order."""
    h = hashlib.sha256()
    for tbl, row_id, dg in sorted(entries, key=lambda e: (e[0], e[1])):
        h.update(f"{tbl}\x1f{row_id}\x1f{dg or ''}\x1e".encode())
    return h.hexdigest()


def current_digests(db, tbl: str, ids) -> dict[int, str]:
    """digest() of the tracked columns of these rows, as stored now. SQL reads NULL as "\x00"
    (what digest() writes for None) and keeps every other value and its type, so str() of each
    value makes digest()'s text without a Python test per value."""
    if getattr(db, "engine", "sqlite") == "postgresql":  # text cannot hold NUL there: None is mapped here
        return _current_digests_server(db, tbl, ids)
    cols = ", ".join(f"coalesce({c}, char(0))" for c in TRACKED[tbl])
    sha256 = hashlib.sha256
    ids = sorted(ids)
    found: dict[int, str] = {}
    if len(ids) > CHUNK and ids[-1] - ids[0] < 2 * len(ids):  # mostly one run (an import): read the range
        wanted = set(ids)
        for row in db.execute(f"SELECT id, {cols} FROM {tbl} WHERE id BETWEEN ? AND ?", [ids[0], ids[-1]]):
            if row[0] in wanted:
                found[row[0]] = sha256("\x1f".join(map(str, row[1:])).encode("utf-8")).hexdigest()[:32]
        return found
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        for row in db.execute(f"SELECT id, {cols} FROM {tbl} WHERE id IN ({','.join('?' * len(part))})", part):
            found[row[0]] = sha256("\x1f".join(map(str, row[1:])).encode("utf-8")).hexdigest()[:32]
    return found


def _current_digests_server(db, tbl: str, ids) -> dict[int, str]:
    cols = ", ".join(TRACKED[tbl])
    ids = sorted(ids)
    found: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        for row in db.execute(f"SELECT id, {cols} FROM {tbl} WHERE id IN ({','.join('?' * len(part))})", part):
            found[row[0]] = digest(row[1:])
    return found


def touched_mark(db) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM row_touched").fetchone()[0]


def seal(db, start: int, user: str | None = None) -> int:
    """Seal the rows touched after `start` (inside the caller's open transaction). Returns the count.

    Streamed, so memory stays flat however many rows one transaction wrote (an import of
    300,000 petitions): the touched rows are read table by table in id order, a few thousand at
    a time, their digests hashed in seal_hash()'s order and kept in a temporary table until the
    seal event has its id."""
    from doithoai.events import log_event

    if db.execute("SELECT 1 FROM row_touched WHERE id > ? LIMIT 1", [start]).fetchone() is None:
        return 0  # nothing written to the case tables
    db.execute("CREATE TEMP TABLE IF NOT EXISTS seal_entries (tbl TEXT NOT NULL, row_id INTEGER NOT NULL, digest TEXT)")
    db.execute("DELETE FROM temp.seal_entries")
    h = hashlib.sha256()
    count = 0
    for tbl in sorted(TRACKED):  # seal_hash() order: by table, then row id
        cursor = db.execute("SELECT DISTINCT row_id FROM row_touched WHERE id > ? AND tbl = ? ORDER BY row_id",
                            [start, tbl])
        while chunk := [r[0] for r in cursor.fetchmany(STREAM)]:
            now = current_digests(db, tbl, chunk)
            entries = [(tbl, i, now.get(i)) for i in chunk]
            for _, row_id, dg in entries:
                h.update(f"{tbl}\x1f{row_id}\x1f{dg or ''}\x1e".encode())
            db.insert_many("temp.seal_entries", ("tbl", "row_id", "digest"), entries)
            count += len(entries)
    if not count:
        return 0
    log_event(db, SEAL_ACTION, "row_seals", None, None,
              {"rows": count, "sha256": h.hexdigest(), **({"by": user} if user else {})})
    event_id = db.execute("SELECT max(id) FROM events").fetchone()[0]
    db.execute("INSERT INTO row_seals (event_id, tbl, row_id, digest) SELECT ?, tbl, row_id, digest "
               "FROM temp.seal_entries", [event_id])
    db.execute("DELETE FROM temp.seal_entries")
    db.execute("DELETE FROM row_touched WHERE id > ?", [start])
    return count


# ---------------------------------------------------------------- anchors outside the base

def anchors_path(db_path) -> Path | None:
    if str(db_path) in ("", ":memory:"):
        return None
    if str(db_path).startswith(("postgresql://", "postgres://")):
        # A server base: its anchors stay on the clerk's machine, outside the server.
        from doithoai.dialect import local_state_path

        return local_state_path(str(db_path), ".anchors")
    return Path(str(db_path) + ".anchors")


def head(db) -> dict:
    row = db.execute("SELECT id, chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return {"event_id": row[0], "chain": row[1]} if row else {"event_id": 0, "chain": ""}


def anchor_text(anchor: dict) -> str:
    return f"{anchor['event_id']}:{anchor['chain']}"


def parse_anchor(text: str) -> dict:
    from doithoai.errors import DoithoaiError, fix

    number, _, chain = text.strip().partition(":")
    if not number.isdigit() or len(chain) != 64:
        raise DoithoaiError(f"Mốc nhật ký không đúng dạng: '{text}'.",
                            fix=fix("db.anchor_form"))
    return {"event_id": int(number), "chain": chain}


def append_anchor(db_path, anchor: dict, source: str, **extra) -> None:
    """Append one line to the anchors file (owner-only). Best effort: the commit has happened;
    a missing anchor is reported by the next `db check`, never silently ignored."""
    from doithoai.events import now_utc

    path = anchors_path(db_path)
    if path is None:
        return
    line = json.dumps({"at": now_utc(), "source": source, **anchor, **extra}, ensure_ascii=False) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        pass


def read_anchors(db_path) -> list[dict]:
    """The anchors since the last restore (a restore starts a new history)."""
    path = anchors_path(db_path)
    if path is None or not path.exists():
        return []
    lines: list[dict] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            try:
                item = json.loads(raw)
            except ValueError:
                continue
            if isinstance(item, dict) and isinstance(item.get("event_id"), int):
                if item.get("source") in ("restore", "copy"):  # the whole base replaced: a new history
                    lines = []
                lines.append(item)
    return lines


def rewrite_anchors(db_path, kept: list[dict]) -> None:
    """Replace the file by a verified check line, keeping any anchor a concurrent writer added
    after it (the newest anchor must never be lost)."""
    from doithoai.fileio import write_atomic

    path = anchors_path(db_path)
    if path is not None:
        newest = max((a["event_id"] for a in kept), default=0)
        kept = kept + [a for a in read_anchors(db_path) if a["event_id"] > newest]
        try:
            write_atomic(path, "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in kept).encode("utf-8"))
        except Exception:
            pass
