"""Stored deadlines follow their sources: a petition's due date its lead assignment, and open
deadlines the current rules and calendar (after a calendar change, a rule change or a new
session date), in the caller's transaction, returning what moved.
"""

from __future__ import annotations

import datetime as dt

from doithoai import settings
from doithoai.deadlines import answer_due, calendar_rev, session_milestones
from doithoai.holidays_cache import holidays_version
from doithoai.statuses import OPEN as OPEN_STATUSES


def refresh_petition_due(db, where: str = "1", params=()) -> None:
    """Keep petitions.lead_agency_id/due_on equal to the active lead assignment, or to the
    session's answer date while unassigned."""
    db.execute(
        f"""
        UPDATE petitions SET
          lead_agency_id = (SELECT a.agency_id FROM assignments a
                            WHERE a.petition_id = petitions.id AND a.role = 'lead' AND a.active = 1),
          due_on = COALESCE(
            (SELECT a.due_on FROM assignments a
             WHERE a.petition_id = petitions.id AND a.role = 'lead' AND a.active = 1),
            (SELECT CASE WHEN petitions.complex THEN s.complex_answer_due ELSE s.answer_due END
             FROM sessions s WHERE s.id = petitions.session_id))
        WHERE {where}
        """,
        params,
    )


def open_deadlines(db, session_id: int | None = None) -> list[dict]:
    """Recompute open deadlines (all sessions, or one). Returns what moved. Caller holds the transaction."""
    placeholders = ",".join("?" * len(OPEN_STATUSES))
    scope, scope_params = ("s.status <> 'closed'", [])
    if session_id is not None:
        scope, scope_params = ("s.id = ?", [session_id])
    rev = calendar_rev(db)
    moved: list[dict] = []

    for s in list(db.query(f"SELECT * FROM sessions s WHERE {scope}", scope_params)):
        new = session_milestones(db, dt.date.fromisoformat(s["date"]))
        changed = {k: (s[k], v) for k, v in new.items() if s[k] != v}
        db.execute(
            "UPDATE sessions SET notice_by=?, review_by=?, answer_due=?, complex_answer_due=?, calendar_rev=? WHERE id=?",
            [new["notice_by"], new["review_by"], new["answer_due"], new["complex_answer_due"], rev, s["id"]],
        )
        for column, (old, value) in changed.items():
            moved.append({"kind": "session", "id": s["id"], "code": s["code"], "what": column, "old": old, "new": value})

    before = {
        r["id"]: r["due_on"]
        for r in db.query(
            f"SELECT p.id, p.due_on FROM petitions p JOIN sessions s ON s.id = p.session_id "
            f"WHERE {scope} AND p.status IN ({placeholders})",
            [*scope_params, *OPEN_STATUSES],
        )
    }
    cache: dict[tuple[str, int], tuple[dt.date, str]] = {}
    for a in list(db.query(
        f"""SELECT a.id, a.due_on, s.date, p.complex FROM assignments a
            JOIN petitions p ON p.id = a.petition_id JOIN sessions s ON s.id = p.session_id
            WHERE {scope} AND a.active = 1 AND a.manual_due = 0 AND p.status IN ({placeholders})""",
        [*scope_params, *OPEN_STATUSES],
    )):
        key = (a["date"], a["complex"])
        if key not in cache:
            cache[key] = answer_due(db, dt.date.fromisoformat(a["date"]), bool(a["complex"]))
        due, how = cache[key]
        db.execute("UPDATE assignments SET due_on=?, due_rule=?, calendar_rev=? WHERE id=?",
                   [due.isoformat(), how, rev, a["id"]])
    if before:
        refresh_petition_due(
            db,
            f"status IN ({placeholders}) AND session_id IN (SELECT s.id FROM sessions s WHERE {scope})",
            [*OPEN_STATUSES, *scope_params],
        )
        after = db.execute(
            f"SELECT p.id, p.due_on FROM petitions p JOIN sessions s ON s.id = p.session_id "
            f"WHERE {scope} AND p.status IN ({placeholders})",
            [*scope_params, *OPEN_STATUSES],
        ).fetchall()
        for pid, due_on in after:
            if before.get(pid) != due_on:
                moved.append({"kind": "petition", "id": pid, "code": "", "what": "due_on",
                              "old": before.get(pid), "new": due_on})
    settings.put(db, "calendar.holidays_version", holidays_version() or "")
    return moved


def change_setting(db, key: str, value: str) -> tuple[str, str, list[dict] | None]:
    """Change one setting: (old, new, the deadlines that moved). A deadline rule
    (`deadline.*`) that changed moves the open deadlines; `moved` is None for any other
    setting. Caller holds the transaction."""
    old, new = settings.set_value(db, key, value)
    if not key.startswith("deadline."):
        return old, new, None
    return old, new, open_deadlines(db) if old != new else []
