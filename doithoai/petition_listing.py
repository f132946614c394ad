"""What the petition lists, reports and documents show: the one listing query with its
filters and sort, each row's working days overdue, and one petition with its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from doithoai import agencies, deadlines, fields, sessions, statuses
from doithoai.errors import DoithoaiError
from doithoai.petitions import get
from doithoai.text import slug, vn_date
from doithoai.vocabulary import ACTION_LABELS, SOURCES, code_for, parse_source, parse_urgency


def parse_status(value: str) -> str:
    return code_for(value, statuses.LABELS, "Trạng thái")



LIST_SQL = """
SELECT p.id, s.code AS session, s.id AS session_id, s.date AS session_date,
       pr.name AS petitioner, pr.address, pr.phone, pr.is_organisation,
       f.name AS field, p.source, p.urgency, p.content, p.status,
       a.code AS lead_agency, a.name AS lead_agency_name, p.due_on, p.complex, p.complex_reason,
       p.speak, p.speak_order, p.form_no, p.registered_on, p.proposed_agency, p.conclusion
FROM petitions p
JOIN sessions s ON s.id = p.session_id
JOIN petitioners pr ON pr.id = p.petitioner_id
LEFT JOIN fields f ON f.id = p.field_id
LEFT JOIN agencies a ON a.id = p.lead_agency_id
"""


def scope(db, session: str | None = None, field: str | None = None) -> tuple[list[str], list]:
    """WHERE terms (on alias p) for the filters every listing and report shares."""
    where, params = [], []
    if session:
        where.append("p.session_id = ?")
        params.append(sessions.get(db, session)["id"])
    if field:
        where.append("p.field_id = ?")
        params.append(fields.resolve(db, field)["id"])
    return where, params


SORTS = {"date": "date", "ngay": "date", "relevance": "relevance", "lien-quan": "relevance"}


def parse_sort(value: str | None, searching: bool) -> str:
    key = SORTS.get(slug(value or "date"))
    if key is None:
        raise DoithoaiError(f"Cách sắp xếp '{value}' không hợp lệ.",
                            "Chọn date (theo ngày đối thoại) hoặc relevance (khớp nhất trước, cần từ khóa tìm).")
    if key == "relevance" and not searching:
        raise DoithoaiError("Sắp xếp theo mức độ khớp chỉ dùng khi có từ khóa tìm kiếm.",
                            "Thêm từ khóa tìm, hoặc sắp xếp theo ngày (date).")
    return key


def _range(where: list[str], params: list, column: str, start: dt.date | None, end: dt.date | None,
           what: str) -> None:
    if start and end and start > end:
        raise DoithoaiError(f"Khoảng {what} không hợp lệ: từ {vn_date(start)} đến {vn_date(end)}.",
                            "Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")
    if start:
        where.append(f"{column} >= ?")
        params.append(start.isoformat())
    if end:
        where.append(f"{column} <= ?")
        params.append(end.isoformat())


def list_query(db, *, as_of: dt.date, session: str | None = None, status: str | None = None,
               agency: str | None = None, field: str | None = None, source: str | None = None,
               urgency: str | None = None, overdue: bool = False, search: str | None = None,
               received_from: dt.date | None = None, received_to: dt.date | None = None,
               due_from: dt.date | None = None, due_to: dt.date | None = None,
               sort: str | None = None, limit: int | None = None, ids_only: bool = False) -> tuple[str, list]:
    """The SQL of a petition listing (LIST_SQL, filtered and ordered) and its parameters;
    ids_only: just the petitions' ids, in the same order."""
    from doithoai import search as fulltext

    where, params = scope(db, session, field)
    if status:
        where.append("p.status = ?")
        params.append(parse_status(status))
    else:  # withdrawn and merged petitions are listed only when asked for by status
        where.append(statuses.counted_sql("p"))
    if agency:
        # IN, not a correlated EXISTS: the agency's assignments drive the query (no scan of petitions)
        where.append("p.id IN (SELECT x.petition_id FROM assignments x WHERE x.agency_id = ? AND x.active = 1)")
        params.append(agencies.get(db, agency)["id"])
    if source:
        where.append("p.source = ?")
        params.append(parse_source(source))
    if urgency:
        where.append("p.urgency = ?")
        params.append(parse_urgency(urgency))
    if overdue:
        where.append(statuses.overdue_sql("p"))
        params.append(as_of.isoformat())
    _range(where, params, "p.registered_on", received_from, received_to, "ngày tiếp nhận")
    _range(where, params, "p.due_on", due_from, due_to, "hạn trả lời")
    order = " ORDER BY s.date, s.id, p.speak_order IS NULL, p.speak_order, p.id"
    hits = fulltext.petition_ids(db, search)
    if parse_sort(sort, hits is not None) == "relevance":
        # The words together, as typed, first; then the newest sessions.
        order = (" ORDER BY (SELECT instr(ps.doc, ?) = 0 FROM petition_search ps WHERE ps.rowid = p.id),"
                 " s.date DESC, p.id DESC")
    if hits is not None:
        where.append(f"p.id IN ({hits[0]})")
        params.extend(hits[1])
    head = "SELECT p.id FROM petitions p JOIN sessions s ON s.id = p.session_id" if ids_only else LIST_SQL
    sql = head + (" WHERE " + " AND ".join(where) if where else "") + order
    if order.startswith(" ORDER BY (SELECT instr"):
        params.append(fulltext.phrase(search))
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return sql, params


def iter_rows(db, *, as_of: dt.date, **filters) -> Iterator[dict]:
    """Petitions of a listing, one at a time straight from the cursor (a listing of a million
    rows never sits in memory), each with its days_overdue. Bad filters raise here, before
    anything is written."""
    from doithoai.search import words

    if words(filters.get("search")):
        # A search: the hits' ids in the listing's order first (the sort reads no petitioner,
        # field or agency), then the rows themselves a page at a time, so the first screen
        # does not wait for the twenty-thousandth hit to be read.
        sql, params = list_query(db, as_of=as_of, ids_only=True, **filters)
        ids = [r[0] for r in db.execute(sql, params)]
        cursor = db.execute(_BY_IDS, ["[]"])
        return Counted(_with_days_overdue(db, [d[0] for d in cursor.description], _rows_by_ids(db, ids), as_of),
                       len(ids))
    sql, params = list_query(db, as_of=as_of, **filters)
    cursor = db.execute(sql, params)
    return _with_days_overdue(db, [d[0] for d in cursor.description], cursor, as_of)


class Counted(Iterator[dict]):
    """Rows read as they are iterated, whose number is known before: len() is the number of
    rows, so a screen can show its first page and say how many more there are."""

    def __init__(self, rows: Iterator[dict], count: int):
        self.rows, self.count = rows, count

    def __next__(self) -> dict:
        return next(self.rows)

    def __len__(self) -> int:
        return self.count


_BY_IDS = LIST_SQL + " WHERE p.id IN (SELECT value FROM json_each(?))"


def _rows_by_ids(db, ids: list[int]) -> Iterator[tuple]:
    """LIST_SQL rows of these petitions, in the order of `ids`: a first page small enough to
    come at once, then larger ones. A petition gone meanwhile is skipped."""
    start, size = 0, 60
    while start < len(ids):
        part = ids[start:start + size]
        found = {r[0]: r for r in db.execute(_BY_IDS, ["[" + ",".join(map(str, part)) + "]"])}
        for i in part:
            if i in found:
                yield found[i]
        start += size
        size = 2000


def _with_days_overdue(db, names: list[str], rows, as_of: dt.date) -> Iterator[dict]:
    # the calendar is loaded on the first overdue row: most listings (searches) need none
    late = statuses.DaysOverdue(lambda: deadlines.load_calendar(db), as_of)
    for values in rows:
        r = dict(zip(names, values))
        r["days_overdue"] = late(r["status"], r["due_on"])
        yield r


def list_rows(db, *, as_of: dt.date, **filters) -> list[dict]:
    return list(iter_rows(db, as_of=as_of, **filters))


def add_days_overdue(db, rows: list[dict], as_of: dt.date) -> None:
    """days_overdue: working days after due_on up to and including as_of (0 if not overdue)."""
    statuses.add_days_overdue(deadlines.load_calendar(db), rows, as_of)


def show(db, pid: int, as_of: dt.date) -> dict:
    p = get(db, pid)
    row = db.row(LIST_SQL + " WHERE p.id = ?", [p["id"]])
    row.update({k: p[k] for k in ("petitioner_id", "duplicate_of", "set_aside_reason", "batch_id")})
    row["possible_duplicates"] = [r[0] for r in db.execute(
        "SELECT CASE WHEN petition_id = ? THEN other_id ELSE petition_id END FROM duplicate_flags "
        "WHERE state = 'open' AND ? IN (petition_id, other_id) ORDER BY 1", [p["id"], p["id"]])]
    add_days_overdue(db, [row], as_of)
    row["assignments"] = list(db.query(
        """SELECT a.code AS agency, a.name AS agency_name, x.role, x.due_on, x.due_rule, x.assigned_on, x.active
           FROM assignments x JOIN agencies a ON a.id = x.agency_id WHERE x.petition_id = ? ORDER BY x.id""",
        [p["id"]],
    ))
    row["actions"] = list(db.query(
        """SELECT x.kind, x.on_date, a.code AS agency, x.to_body, x.doc_number, x.doc_date, x.summary, x.resolved,
                  x.accepted
           FROM actions x LEFT JOIN agencies a ON a.id = x.agency_id WHERE x.petition_id = ? ORDER BY x.id""",
        [p["id"]],
    ))
    timeline = [{"date": row["registered_on"], "what": f"Tiếp nhận ({SOURCES[row['source']]})"}]
    for a in row["assignments"]:
        role = "chủ trì" if a["role"] == "lead" else "phối hợp"
        state = "" if a["active"] else " (đã thay)"
        timeline.append({"date": a["assigned_on"], "what": f"Giao {a['agency']} {role}, hạn {vn_date(a['due_on'])}{state}"})
    for a in row["actions"]:
        detail = "; ".join(x for x in (
            a["to_body"] and f"đến {a['to_body']}",
            a["doc_number"] and f"văn bản số {a['doc_number']}" + (f" ngày {vn_date(a['doc_date'])}" if a["doc_date"] else ""),
            a["summary"],
            {1: "người kiến nghị đồng ý", 0: "người kiến nghị không đồng ý"}.get(a["accepted"], ""),
        ) if x)
        timeline.append({"date": a["on_date"], "what": ACTION_LABELS[a["kind"]] + (f": {detail}" if detail else "")})
    row["timeline"] = sorted(timeline, key=lambda t: t["date"] or "")
    kinds = {a["kind"] for a in row["actions"]}
    row["pending_notifications"] = [
        label for kind, label in (("notify_petitioner", "người kiến nghị"), ("notify_mttq", "MTTQ, đoàn thể"))
        if "transfer" in kinds and kind not in kinds
    ]
    return row
