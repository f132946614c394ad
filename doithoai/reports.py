"""Monitoring: overdue petitions, what is due soon, what an agency holds, and the summary.

The overdue rule and the open set are statuses.py's; withdrawn and merged petitions are
out of every count.
"""

from __future__ import annotations

import datetime as dt
import statistics

from doithoai import agencies, deadlines, petitions, sessions, statuses
from doithoai.petitions import SOURCES

_ROW_SQL = """
SELECT p.id, s.code AS session, pr.name AS petitioner, pr.address, f.name AS field, p.content,
       a.code AS lead_agency, a.name AS lead_agency_name, p.due_on, p.status, p.complex, s.date AS session_date
FROM petitions p
JOIN sessions s ON s.id = p.session_id
JOIN petitioners pr ON pr.id = p.petitioner_id
LEFT JOIN fields f ON f.id = p.field_id
LEFT JOIN agencies a ON a.id = p.lead_agency_id
"""


def _filters(db, session: str | None, agency: str | None, field: str | None) -> tuple[list[str], list]:
    where, params = petitions.scope(db, session, field)
    where.append(statuses.counted_sql("p"))
    if agency:  # reports are about the lead agency, the one that answers
        where.append("p.lead_agency_id = ?")
        params.append(agencies.get(db, agency)["id"])
    return where, params


def _names(db) -> tuple[dict, dict, dict]:
    """Sessions, fields and agencies by id: small tables, cheaper looked up here than joined
    a hundred thousand times."""
    return ({r[0]: r[1] for r in db.execute("SELECT id, code FROM sessions")},
            {r[0]: r[1] for r in db.execute("SELECT id, name FROM fields")},
            {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, code, name FROM agencies")})


def overdue(db, as_of: dt.date, *, session: str | None = None, agency: str | None = None,
            field: str | None = None) -> list[dict]:
    """Overdue petitions, grouped by lead agency (the agency with the oldest first), oldest first."""
    where, params = _filters(db, session, agency, field)
    where.insert(0, statuses.overdue_sql("p"))
    params.insert(0, as_of.isoformat())
    session_codes, field_names, agency_names = _names(db)
    no_agency = (None, None)
    rows = [
        {"id": pid, "session": session_codes[sid], "petitioner": name, "address": address,
         "field": field_names.get(fid), "content": content, "lead_agency": agency_names.get(aid, no_agency)[0],
         "lead_agency_name": agency_names.get(aid, no_agency)[1], "due_on": due, "status": status}
        for pid, sid, name, address, fid, content, aid, due, status in db.execute(
            "SELECT p.id, p.session_id, pr.name, pr.address, p.field_id, p.content, p.lead_agency_id, p.due_on, p.status "
            "FROM petitions p JOIN petitioners pr ON pr.id = p.petitioner_id WHERE " + " AND ".join(where), params)
    ]
    statuses.add_days_overdue(deadlines.load_calendar(db), rows, as_of)
    oldest: dict[str | None, str] = {}
    for r in rows:
        due = r["due_on"]
        agency = r["lead_agency"]
        if agency not in oldest or due < oldest[agency]:
            oldest[agency] = due
    rows.sort(key=lambda r: (oldest[r["lead_agency"]], r["lead_agency"] or "", r["due_on"], r["id"]))
    return rows


def totals_by_agency(rows: list[dict]) -> list[dict]:
    out: dict[str | None, dict] = {}
    for r in rows:
        t = out.setdefault(r["lead_agency"], {"lead_agency": r["lead_agency"] or "", "lead_agency_name":
                                              r["lead_agency_name"] or "(chưa giao)", "count": 0,
                                              "max_days_overdue": 0, "oldest_due_on": r["due_on"]})
        t["count"] += 1
        t["max_days_overdue"] = max(t["max_days_overdue"], r["days_overdue"])
    return list(out.values())


def due_soon(db, as_of: dt.date, within: int, *, session: str | None = None, agency: str | None = None,
             field: str | None = None) -> list[dict]:
    """Open petitions whose due date is between as_of and its N-th working day after."""
    horizon = deadlines.load_calendar(db).add_days(as_of, within)
    where, params = _filters(db, session, agency, field)
    where.insert(0, f"{statuses.open_sql('p')} AND p.due_on >= ? AND p.due_on <= ?")
    params[:0] = [as_of.isoformat(), horizon.isoformat()]
    rows = list(db.query(_ROW_SQL + " WHERE " + " AND ".join(where) + " ORDER BY p.due_on, p.id", params))
    cal = deadlines.load_calendar(db)
    for r in rows:
        r["days_left"] = cal.working_days_between(as_of, dt.date.fromisoformat(r["due_on"]))
    return rows


def agency_holdings(db, code: str, as_of: dt.date) -> tuple[dict, list[dict]]:
    """Everything an agency holds: petitions where it leads or supports an active assignment."""
    a = agencies.get(db, code)
    rows = list(db.query(
        _ROW_SQL.replace("SELECT p.id,", "SELECT x.role, x.due_on AS assignment_due_on, p.id,")
        + " JOIN assignments x ON x.petition_id = p.id AND x.active = 1 AND x.agency_id = ?"
          f" WHERE {statuses.counted_sql('p')} ORDER BY {statuses.open_sql('p')} DESC, p.due_on, p.id",
        [a["id"]],
    ))
    statuses.add_days_overdue(deadlines.load_calendar(db), rows, as_of)
    return a, rows


def summary(db, as_of: dt.date, session: str | None = None) -> dict:
    where, params = _filters(db, session, None, None)
    scope = (" WHERE " + " AND ".join(where)) if where else ""

    def counts(column: str, join: str = "") -> list[dict]:
        return list(db.query(f"SELECT {column} AS key, COUNT(*) AS n FROM petitions p {join}{scope} "
                             "GROUP BY key ORDER BY n DESC, key", params))

    total = db.execute(f"SELECT COUNT(*) FROM petitions p{scope}", params).fetchone()[0]
    by_status = counts("p.status")
    by_field = counts("COALESCE(f.name, '(chưa phân loại)')", "LEFT JOIN fields f ON f.id = p.field_id ")
    by_source = counts("p.source")
    by_agency = list(db.query(
        f"""SELECT COALESCE(a.code, '') AS key, COALESCE(a.name, '(chưa giao)') AS name, COUNT(*) AS n,
                   SUM({statuses.open_sql("p")}) AS open,
                   SUM({statuses.overdue_sql("p")}) AS overdue
            FROM petitions p LEFT JOIN agencies a ON a.id = p.lead_agency_id{scope}
            GROUP BY a.id ORDER BY n DESC, key""", [as_of.isoformat(), *params]))
    answers = list(db.query(
        f"""SELECT p.id, p.due_on, s.date AS session_date, MIN(x.doc_date) AS doc_date
            FROM petitions p JOIN sessions s ON s.id = p.session_id
            JOIN actions x ON x.petition_id = p.id AND x.kind = 'answer_written'{scope}
            GROUP BY p.id""", params))
    cal = deadlines.load_calendar(db)
    on_time = sum(1 for r in answers if r["due_on"] is None or r["doc_date"] <= r["due_on"])
    days = [cal.working_days_between(dt.date.fromisoformat(r["session_date"]), dt.date.fromisoformat(r["doc_date"]))
            for r in answers]
    overdue_now = db.execute(
        f"SELECT COUNT(*) FROM petitions p{scope} AND {statuses.overdue_sql('p')}",
        [*params, as_of.isoformat()]).fetchone()[0]
    return {
        "as_of": as_of.isoformat(),
        "session": sessions.get(db, session)["code"] if session else None,
        "total": total,
        "overdue": overdue_now,
        "written_answers": len(answers),
        "answered_on_time": on_time,
        "on_time_share": round(on_time / len(answers), 3) if answers else None,
        "median_working_days_to_written_answer": statistics.median(days) if days else None,
        "by_status": [{"status": r["key"], "label": statuses.LABELS[r["key"]], "count": r["n"]} for r in by_status],
        "by_field": [{"field": r["key"], "count": r["n"]} for r in by_field],
        "by_source": [{"source": r["key"], "label": SOURCES.get(r["key"], r["key"]), "count": r["n"]} for r in by_source],
        "by_agency": [{"agency": r["key"], "name": r["name"], "count": r["n"], "open": r["open"], "overdue": r["overdue"]}
                      for r in by_agency],
    }
