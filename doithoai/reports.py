"""Monitoring: overdue petitions, what is due soon, what an agency holds, and the summary.

The overdue rule and the open set are statuses.py's; withdrawn and merged petitions are
out of every count.
"""

from __future__ import annotations

import datetime as dt
import statistics

from doithoai import agencies, deadlines, petition_listing, sessions, statuses
from doithoai.holidays_cache import holidays_version
from doithoai.records import Agency
from doithoai.text import fold
from doithoai.vocabulary import SOURCES

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
    where, params = petition_listing.scope(db, session, field)
    where.append(statuses.counted_sql("p"))
    if agency:  # reports are about the lead agency, the one that answers
        where.append("p.lead_agency_id = ?")
        params.append(agencies.get(db, agency)["id"])
    return where, params


def _names(db) -> tuple[dict, dict]:
    """Fields and agencies by id: small tables, cheaper looked up here than joined a hundred
    thousand times."""
    return ({r[0]: r[1] for r in db.execute("SELECT id, name FROM fields")},
            {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, code, name FROM agencies")})


def overdue(db, as_of: dt.date, *, session: str | None = None, agency: str | None = None,
            field: str | None = None) -> list[dict]:
    """Overdue petitions, grouped by lead agency (the agency with the oldest first), oldest first."""
    where, params = _filters(db, session, agency, field)
    where.insert(0, statuses.overdue_sql("p"))
    params.insert(0, as_of.isoformat())
    field_names, agency_names = _names(db)
    no_agency = (None, None)
    late = statuses.DaysOverdue(lambda: deadlines.load_calendar(db), as_of)  # every row here is overdue (the WHERE above)
    rows: list[dict] = []
    append = rows.append
    for pid, sid, name, address, fid, content, aid, due, status in db.execute(
            "SELECT p.id, p.session_id, pr.name, pr.address, p.field_id, p.content, p.lead_agency_id, p.due_on, p.status "
            "FROM petitions p JOIN petitioners pr ON pr.id = p.petitioner_id WHERE " + " AND ".join(where), params):
        days = late.of_due(due)
        code, agency_name = agency_names.get(aid, no_agency)
        append({"id": pid, "session": sid, "petitioner": name, "address": address,
                "field": field_names.get(fid), "content": content, "lead_agency": code,
                "lead_agency_name": agency_name, "due_on": due, "status": status, "days_overdue": days})
    # the sessions of these rows only (a province's archive has thousands; a letter names a few)
    codes = dict(db.execute("SELECT id, code FROM sessions WHERE id IN (SELECT value FROM json_each(?))",
                            ["[" + ",".join(map(str, {r["session"] for r in rows})) + "]"]))
    for r in rows:
        r["session"] = codes[r["session"]]
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


def agency_holdings(db, code: str, as_of: dt.date) -> tuple[Agency, list[dict]]:
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
    """The summary report. The whole base is read from the tallies that triggers keep
    (petition_counts, answer_days: see migration m009), so its cost follows the number of
    agencies, fields and answer dates, not of petitions; one session is counted directly."""
    if session:
        return _summary_direct(db, as_of, session)
    # The tallies stand in for the petitions table; still walk the table's root to its newest
    # row (a few pages), so that a damaged table is reported as damaged here as everywhere.
    db.execute("SELECT max(id) FROM petitions").fetchone()
    unfiled = "(chưa phân loại)"

    counted = f"status NOT IN {statuses.in_list(statuses.SET_ASIDE)}"

    def tally(column: str) -> list[tuple]:
        return db.execute(f"SELECT {column}, SUM(n) AS total FROM petition_counts WHERE {counted} GROUP BY 1 "
                          "HAVING SUM(n) <> 0 ORDER BY total DESC, 1").fetchall()

    field_names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM fields")}
    by_field: dict[str, int] = {}
    for field_id, n in tally("field_id"):
        name = field_names.get(field_id, unfiled)
        by_field[name] = by_field.get(name, 0) + n
    overdue_by_agency = dict(db.execute(
        "SELECT COALESCE(p.lead_agency_id, 0), COUNT(*) FROM petitions p INDEXED BY petitions_overdue "
        f"WHERE {statuses.overdue_sql('p')} GROUP BY 1", [as_of.isoformat()]))
    agencies_out = [
        {"agency": code or "", "name": name or "(chưa giao)", "count": n, "open": n_open,
         "overdue": overdue_by_agency.get(agency_id, 0)}
        for agency_id, code, name, n, n_open in db.execute(
            f"""SELECT t.lead_agency_id, a.code, a.name, t.n, t.n_open FROM
                  (SELECT lead_agency_id, SUM(n) AS n,
                          SUM(CASE WHEN status IN {statuses.in_list(statuses.OPEN)} THEN n ELSE 0 END) AS n_open
                   FROM petition_counts WHERE {counted} GROUP BY lead_agency_id HAVING SUM(n) <> 0) t
                LEFT JOIN agencies a ON a.id = t.lead_agency_id""")]
    agencies_out.sort(key=lambda r: (-r["count"], r["agency"]))
    histogram: dict[int, int] = {}
    written = on_time = 0
    for days, is_on_time, n in answer_days(db):
        histogram[days] = histogram.get(days, 0) + n
        written += n
        on_time += n if is_on_time else 0
    by_status = tally("status")
    by_source = tally("source")
    return {
        "as_of": as_of.isoformat(),
        "session": None,
        "total": sum(n for _, n in by_status),
        "overdue": sum(overdue_by_agency.values()),
        "written_answers": written,
        "answered_on_time": on_time,
        "on_time_share": round(on_time / written, 3) if written else None,
        "median_working_days_to_written_answer": _median(histogram) if written else None,
        "by_status": [{"status": k, "label": statuses.LABELS[k], "count": n} for k, n in by_status],
        # ties in the reader's order: Điện beside Dân, not after Y tế as the code points put it
        "by_field": [{"field": k, "count": n} for k, n in sorted(by_field.items(), key=lambda kv: (-kv[1], fold(kv[0]), kv[0]))],
        "by_source": [{"source": k, "label": SOURCES.get(k, k), "count": n} for k, n in by_source],
        "by_agency": agencies_out,
    }


def _calendar_stamp(db) -> str:
    return f"{deadlines.calendar_rev(db)}/{holidays_version()}"


def _positions(db):
    """P(date): working days from a fixed epoch, so that working days between two dates is
    P(end) − P(start), one subtraction per queued answer."""
    cal = deadlines.load_calendar(db)
    epoch = dt.date(2000, 1, 1)
    cache: dict[str, int] = {}

    def at(day: str) -> int:
        if day not in cache:
            cache[day] = cal.working_days_between(epoch, dt.date.fromisoformat(day))
        return cache[day]

    return at


def _fold_answers(db, histogram: dict[tuple[int, int], int], persist: bool) -> None:
    """Bring answer_days up to date from the queue (or rebuild it), into `histogram`;
    written back when `persist` (the caller holds the write lock)."""
    at = _positions(db)
    session_dates = dict(db.execute("SELECT id, date FROM sessions"))
    stamp = db.execute("SELECT value FROM tally_state WHERE key = 'answer_days.calendar'").fetchone()
    current = _calendar_stamp(db)
    if stamp is None or stamp[0] != current:
        histogram.clear()
        rows = db.execute("SELECT session_id, doc_date, due_on IS NULL OR doc_date <= due_on, COUNT(*) "
                          "FROM first_written GROUP BY 1, 2, 3")
    else:
        rows = db.execute("SELECT session_id, doc_date, on_time, SUM(dn) FROM answer_queue GROUP BY 1, 2, 3")
    for session_id, doc_date, is_on_time, n in rows.fetchall():
        key = (at(doc_date) - at(session_dates[session_id]), is_on_time)
        histogram[key] = histogram.get(key, 0) + n
    if persist:
        db.execute("DELETE FROM answer_queue")
        db.execute("DELETE FROM answer_days")
        db.conn.executemany("INSERT INTO answer_days (days, on_time, n) VALUES (?, ?, ?)",
                            [(d, o, n) for (d, o), n in histogram.items() if n])
        db.execute("INSERT INTO tally_state (key, value) VALUES ('answer_days.calendar', ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [current])


def answer_days(db) -> list[tuple[int, int, int]]:
    """(working days from session to first written answer, on time, count): the histogram the
    summary needs, folded up to date first. Like the search index, it is brought up to date
    in a short write transaction, or, when the base is busy or read-only, in memory."""
    histogram = {(d, o): n for d, o, n in db.execute("SELECT days, on_time, n FROM answer_days")}
    stale = db.execute("SELECT 1 FROM answer_queue LIMIT 1").fetchone() is not None
    stamp = db.execute("SELECT value FROM tally_state WHERE key = 'answer_days.calendar'").fetchone()
    if stale or stamp is None or stamp[0] != _calendar_stamp(db):
        from doithoai.search import write_briefly

        if not db.conn.in_transaction and write_briefly(db, lambda: _fold_answers(db, histogram, persist=True)):
            pass
        else:
            _fold_answers(db, histogram, persist=False)
    return [(d, o, n) for (d, o), n in sorted(histogram.items()) if n]


def _median(histogram: dict[int, int]) -> float:
    """statistics.median of the values a {value: count} histogram stands for."""
    total = sum(histogram.values())
    ranks = ((total - 1) // 2, total // 2)
    found: list = []
    seen = 0
    for v in sorted(histogram):
        seen += histogram[v]
        while len(found) < 2 and seen > ranks[len(found)]:
            found.append(v)
        if len(found) == 2:
            break
    return found[0] if total % 2 else (found[0] + found[1]) / 2


def _summary_direct(db, as_of: dt.date, session: str | None = None) -> dict:
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
            GROUP BY p.id, s.date""", params))
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
