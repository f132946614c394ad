"""The audit log: one hash-chained row per write, who did it and when.

Part of the database layer (below every service, beside `db` and `integrity`): it imports
nothing of the package, so `integrity` can log its seals and `db` can seal its transactions
without an import circle. Services reach these through `doithoai.db`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def event_chain(previous: str, fields) -> str:
    text = "\x1f".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()


def log_event(db, action: str, entity: str, entity_id: int | None, before=None, after=None) -> None:
    """Append to the event log. Callers pass no personal data (names, phones, addresses)."""

    def dump(value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)

    fields = [now_utc(), os_user(), action, entity, entity_id, dump(before), dump(after)]
    last = db.execute("SELECT chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    db.execute(
        "INSERT INTO events (at, user, action, entity, entity_id, before, after, chain) VALUES (?,?,?,?,?,?,?,?)",
        [*fields, event_chain(last[0] if last and last[0] else "", fields)],
    )


def recent_events(db, petition: int | None = None, limit: int = 200) -> list[dict]:
    # Seal events (integrity bookkeeping, see integrity.py) are not something a clerk did.
    where, params = ("WHERE entity = 'petitions' AND entity_id = ?", [petition]) if petition \
        else ("WHERE action <> 'seal'", [])
    return list(db.query(
        f"SELECT * FROM (SELECT * FROM events {where} ORDER BY id DESC LIMIT ?) AS e ORDER BY id", [*params, limit]))
