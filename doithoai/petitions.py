"""Petitions (kiến nghị, phản ánh), their petitioners, assignments and actions.

Lifecycle: new → assigned → answered | transferred | escalated → closed (reopen goes back).
Every function here runs inside the caller's transaction and takes `today` explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import cast

from doithoai import agencies, deadlines, fields, sessions, settings, statuses
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, Fix, InvalidTransition, NotFound, fix
from doithoai.intake import MAX_CONTENT
from doithoai.records import Petition, Session
from doithoai.text import clean, slug, vn_date

# reports.py and cli/petitions.py read the vocabulary here too
from doithoai.vocabulary import SOURCES, URGENCIES, parse_source, parse_urgency  # noqa: F401

ACTION_LABELS = {
    "answer_meeting": "Trả lời tại hội nghị",
    "answer_written": "Trả lời bằng văn bản",
    "transfer": "Chuyển cơ quan có thẩm quyền",
    "escalate": "Trình cấp trên",
    "verify": "Kiểm tra, xác minh",
    "notify_petitioner": "Đã thông báo cho người kiến nghị",
    "notify_mttq": "Đã gửi MTTQ, đoàn thể giám sát",
    "close": "Đóng",
    "reopen": "Mở lại",
    "answer_interim": "Trả lời tạm thời (đang xử lý)",
    "withdraw": "Rút kiến nghị",
    "restore": "Khôi phục kiến nghị đã rút",
    "merge": "Gộp vào kiến nghị trùng",
    "unmerge": "Tách khỏi kiến nghị đã gộp",
}


def parse_status(value: str) -> str:
    from doithoai.vocabulary import code_for

    return code_for(value, statuses.LABELS, "Trạng thái")


def check_text(value: str, what: str, *, required: bool = True, limit: int = MAX_CONTENT) -> str:
    text = clean(value, what)  # refuses control characters, naming the field and the character
    if required and not text:
        raise DoithoaiError(f"{what} không được để trống.", f"Nhập {what.lower()}.")
    if len(text) > limit:
        raise DoithoaiError(f"{what} dài {len(text):,} ký tự, vượt giới hạn {limit:,}.",
                            "Tóm tắt nội dung; tài liệu kèm theo lưu trong hồ sơ giấy.")
    return text


def get(db, pid: int | str) -> Petition:
    text = clean(str(pid)).lstrip("#")
    row = None
    if text.isdigit():
        row = db.row("SELECT * FROM petitions WHERE id = ?", [int(text)])
    if row is None:
        raise NotFound(f"Không có kiến nghị số {pid}.", fix=fix("petition.list"))
    return cast(Petition, row)


def add(db, today: dt.date, *, session: str, name: str, content: str, address: str = "", phone: str = "",
        organisation: bool = False, source: str | None = None, field: str | None = None,
        urgency: str | None = None, speak: bool = False, order: int | None = None, form_no: str = "",
        registered_on: dt.date | None = None, proposed_agency: str = "") -> dict:
    """One petition typed by a clerk: the same normalisation and writer as every import."""
    from doithoai import intake

    s = sessions.get(db, session)
    require_taking_petitions(s)
    vocab = intake.Vocabulary(db, s)
    values = {"name": name, "content": content, "address": address, "phone": phone, "organisation": organisation,
              "source": source or "", "field": field or "", "urgency": urgency or "", "speak": speak,
              "order": "" if order is None else str(order), "form_no": form_no, "registered_on": registered_on,
              "agency": proposed_agency}
    data, problems = intake.normalise({k: v for k, v in values.items() if v not in ("", None) or k in ("name", "content")},
                                      vocab, lambda f: intake.LABELS.get(f or "", "Kiến nghị"), today=today)
    if problems:
        raise DoithoaiError("Kiến nghị chưa được ghi:\n  " + "\n  ".join(problems),
                            "Sửa các giá trị đã nêu rồi nhập lại.")
    assert data is not None  # normalise returns data exactly when there are no problems
    if data["form_no"]:
        key = intake.form_key(s["id"], "nhap-tay", data["form_no"])
        existing = db.execute("SELECT id FROM petitions WHERE stable_key = ?", [key]).fetchone()
        if existing:
            raise DoithoaiError(
                f"Phiếu số {data['form_no']} đã được tiếp nhận trong cuộc đối thoại {s['code']} (kiến nghị số {existing[0]}).",
                fix=fix("petition.show_same_form", id=existing[0]))
    else:
        key = intake.manual_key()
    writer = intake.Writer(db, vocab, today)
    writer.add(key, data)
    writer.finish()
    pid = writer.ids[0]
    row = get(db, pid)
    # No personal data in the event log: the petitioner is referenced by id.
    log_event(db, "petition.add", "petitions", pid, None,
              {k: row[k] for k in ("session_id", "petitioner_id", "stable_key", "form_no", "content", "field_id",
                                   "urgency", "source", "registered_on", "speak", "speak_order", "proposed_agency",
                                   "status", "due_on")})
    return {**row, "possible_duplicates": [d["earlier_id"] for d in writer.duplicates]}


def require_taking_petitions(s: Session) -> None:
    if s["status"] in ("closed", "cancelled"):
        state = "đã kết thúc" if s["status"] == "closed" else "đã hủy"
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} {state}, không nhận thêm kiến nghị.",
                                "Ghi kiến nghị vào cuộc đối thoại khác.")


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
               sort: str | None = None, limit: int | None = None) -> tuple[str, list]:
    """The SQL of a petition listing (LIST_SQL, filtered and ordered) and its parameters."""
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
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + order
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
    sql, params = list_query(db, as_of=as_of, **filters)
    cursor = db.execute(sql, params)
    return _with_days_overdue(db, cursor, as_of)


def _with_days_overdue(db, cursor, as_of: dt.date) -> Iterator[dict]:
    names = [d[0] for d in cursor.description]
    cal = None  # loaded on the first overdue row: most listings (searches) need no calendar
    today_iso = as_of.isoformat()
    late: dict[str, int] = {}
    for values in cursor:
        r = dict(zip(names, values))
        due = r["due_on"]
        if due and due < today_iso and r["status"] in statuses.OPEN:
            if due not in late:
                cal = cal or deadlines.load_calendar(db)
                late[due] = cal.working_days_between(dt.date.fromisoformat(due), as_of)
            r["days_overdue"] = late[due]
        else:
            r["days_overdue"] = 0
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


# -- transitions -----------------------------------------------------------------------

def _require(p: Petition, allowed: tuple[str, ...], doing: str, hint: str | Fix) -> None:
    if p["status"] not in allowed:
        raise InvalidTransition(
            f"Không thể {doing} kiến nghị số {p['id']}: đang ở trạng thái '{statuses.LABELS[p['status']]}'.",
            hint if isinstance(hint, str) else None, fix=hint if isinstance(hint, Fix) else None,
        )


def _session_open(db, p: Petition) -> Session:
    s = sessions.get(db, p["session_id"])
    if s["status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} đã kết thúc và lưu hồ sơ; kiến nghị không sửa được nữa.",
                                "Hồ sơ đã đóng là bản lưu chính thức.")
    return s


def _action(db, pid: int, kind: str, on: dt.date, **values) -> None:
    row = {"petition_id": pid, "kind": kind, "on_date": on.isoformat(), "created_at": now_utc(), **values}
    db.insert("actions", row)


def _set_status(db, p: Petition, status: str, action: str, detail: dict | None = None) -> None:
    statuses.check_move(p["id"], p["status"], status)
    db.execute("UPDATE petitions SET status = ? WHERE id = ?", [status, p["id"]])
    log_event(db, action, "petitions", p["id"], {"status": p["status"]}, {"status": status, **(detail or {})})


def _not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise DoithoaiError(f"{what} {vn_date(day)} ở tương lai.", "Chỉ ghi nhận việc đã làm; kiểm tra lại ngày.")


def assign(db, today: dt.date, pid: int, agency: str, support: Sequence[str] = (), complex_: bool = False,
           reason: str = "", due: dt.date | None = None) -> dict:
    """Give the petition to a lead agency (and supporting ones). Re-assigning replaces the set."""
    p = get(db, pid)
    _require(p, statuses.OPEN, "giao", fix("petition.reopen_to_assign", id=p["id"]))
    s = _session_open(db, p)
    reason = clean(reason, "Lý do")
    if complex_ and not reason:
        raise DoithoaiError("Vụ việc phức tạp cần nêu lý do (thời hạn trả lời 30 thay vì 15 ngày làm việc).",
                            "Thêm --reason \"…\", ví dụ --reason \"Cần đo đạc, xác minh nguồn gốc đất\".")
    lead = agencies.resolve(db, agency)
    supports: list = []
    for ref in support:
        a = agencies.resolve(db, ref)
        if a["id"] == lead["id"]:
            raise DoithoaiError(f"{a['code']} đã là cơ quan chủ trì, không thể đồng thời phối hợp.",
                                "Bỏ cơ quan này khỏi --support.")
        if a["id"] not in {x["id"] for x in supports}:
            supports.append(a)
    if due is not None:
        if due < dt.date.fromisoformat(s["date"]):
            raise DoithoaiError(f"Hạn {vn_date(due)} trước ngày đối thoại {vn_date(s['date'])}.", "Chọn hạn sau ngày đối thoại.")
        due_rule, manual = f"Đặt thủ công ngày {vn_date(today)}", 1
    else:
        reopened = db.execute("SELECT MAX(on_date) FROM actions WHERE petition_id = ? AND kind = 'reopen'",
                              [p["id"]]).fetchone()[0]
        if reopened:  # counted from the reopening, like the reopen itself, not from the meeting
            due, rule = deadlines.apply_rule(db, "reopen", dt.date.fromisoformat(reopened))
            due_rule, manual = f"Mở lại ngày {vn_date(reopened)}: {rule}", 1
        else:
            due, due_rule = deadlines.answer_due(db, dt.date.fromisoformat(s["date"]), complex_)
            manual = 0
    before = [dict(r) for r in db.query(
        "SELECT agency_id, role, due_on FROM assignments WHERE petition_id = ? AND active = 1", [p["id"]])]
    db.execute("UPDATE assignments SET active = 0 WHERE petition_id = ? AND active = 1", [p["id"]])
    rev = deadlines.calendar_rev(db)
    for a, role in [(lead, "lead"), *((x, "support") for x in supports)]:
        db.insert("assignments", {"petition_id": p["id"], "agency_id": a["id"], "role": role, "due_on": due.isoformat(),
                                  "due_rule": due_rule, "manual_due": manual, "calendar_rev": rev,
                                  "assigned_on": today.isoformat()})
    statuses.check_move(p["id"], p["status"], "assigned")
    db.execute("UPDATE petitions SET status = 'assigned', complex = ?, complex_reason = ? WHERE id = ?",
               [int(complex_), reason if complex_ else "", p["id"]])
    deadlines.refresh_petition_due(db, "id = ?", [p["id"]])
    log_event(db, "petition.assign", "petitions", p["id"], {"status": p["status"], "assignments": before},
              {"status": "assigned", "lead": lead["code"], "support": [x["code"] for x in supports],
               "due_on": due.isoformat(), "due_rule": due_rule, "complex": int(complex_)})
    return {"id": p["id"], "lead_agency": lead["code"], "support": [x["code"] for x in supports],
            "due_on": due.isoformat(), "due_rule": due_rule, "status": "assigned"}


def answer(db, today: dt.date, pid: int, *, written: bool, summary: str, doc_number: str = "",
           doc_date: dt.date | None = None, resolved: bool = False, agency: str | None = None,
           accepted: bool | None = None, interim: bool = False) -> dict:
    """Record an answer. `accepted`: whether the petitioner accepted it (None: not known).
    `interim`: a written progress answer (đang xử lý): recorded, the petition stays open."""
    p = get(db, pid)
    s = _session_open(db, p)
    _require(p, statuses.OPEN, "ghi nhận trả lời cho",
             fix("petition.reopen_done", id=p["id"]))
    summary = check_text(summary, "Tóm tắt nội dung trả lời")
    agency_id = agencies.resolve(db, agency)["id"] if agency else p["lead_agency_id"]
    accepted_value = None if accepted is None else int(accepted)
    if written or interim:
        doc_number = clean(doc_number, "Số văn bản")
        if written and not interim and (not doc_number or doc_date is None):
            raise DoithoaiError("Trả lời bằng văn bản cần số và ngày văn bản.",
                                "Thêm --doc-number \"125/UBND-TNMT\" --doc-date DD/MM/YYYY.")
        on = doc_date or today
        _not_future(on, today, "Ngày văn bản")
        if p["registered_on"] and on.isoformat() < p["registered_on"]:
            raise DoithoaiError(
                f"Ngày trả lời {vn_date(on)} trước ngày tiếp nhận kiến nghị {vn_date(p['registered_on'])}.",
                "Một kiến nghị không thể được trả lời trước khi tiếp nhận; kiểm tra lại ngày văn bản.")
        if interim:
            _action(db, p["id"], "answer_interim", on, agency_id=agency_id, doc_number=doc_number,
                    doc_date=doc_date.isoformat() if doc_date else None, summary=summary, accepted=accepted_value)
            log_event(db, "petition.answer_interim", "petitions", p["id"], None,
                      {"doc_number": doc_number, "on": on.isoformat()})
            return {"id": p["id"], "status": p["status"], "interim": True}
        assert doc_date is not None  # required above for a written answer
        _action(db, p["id"], "answer_written", doc_date, agency_id=agency_id, doc_number=doc_number,
                doc_date=doc_date.isoformat(), summary=summary, resolved=int(resolved), accepted=accepted_value)
        _set_status(db, p, "answered", "petition.answer_written",
                    {"doc_number": doc_number, "doc_date": doc_date.isoformat(), "resolved": int(resolved),
                     "accepted": accepted_value})
        return {"id": p["id"], "status": "answered", "on_time": p["due_on"] is None or doc_date.isoformat() <= p["due_on"]}
    if s["status"] in ("planned", "notice_sent"):
        raise InvalidTransition(
            f"Cuộc đối thoại {s['code']} chưa diễn ra; chưa thể ghi trả lời tại hội nghị.",
            fix=fix("session.hold", code=s["code"]),
        )
    if p["registered_on"] and p["registered_on"] > s["date"]:
        raise DoithoaiError(
            f"Kiến nghị số {p['id']} tiếp nhận ngày {vn_date(p['registered_on'])}, sau hội nghị {vn_date(s['date'])}; "
            "không thể đã được trả lời tại hội nghị.",
            fix=fix("petition.answer_written_or_edit_date", id=p["id"]))
    _action(db, p["id"], "answer_meeting", dt.date.fromisoformat(s["date"]), agency_id=agency_id,
            summary=summary, resolved=int(resolved), accepted=accepted_value)
    if resolved:
        _set_status(db, p, "answered", "petition.answer_meeting", {"resolved": 1, "accepted": accepted_value})
        return {"id": p["id"], "status": "answered"}
    log_event(db, "petition.answer_meeting", "petitions", p["id"], None, {"resolved": 0, "accepted": accepted_value})
    return {"id": p["id"], "status": p["status"]}


def transfer(db, today: dt.date, pid: int, *, to: str, doc_number: str = "", doc_date: dt.date | None = None,
             note: str = "") -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, statuses.OPEN, "chuyển", fix("petition.reopen_done", id=p["id"]))
    to = check_text(to, "Cơ quan có thẩm quyền nhận chuyển", limit=300)
    on = doc_date or today
    _not_future(on, today, "Ngày chuyển")
    _action(db, p["id"], "transfer", on, to_body=to, doc_number=clean(doc_number, "Số văn bản"),
            doc_date=doc_date.isoformat() if doc_date else None, summary=clean(note, "Ghi chú"))
    _set_status(db, p, "transferred", "petition.transfer", {"to": to})
    return {"id": p["id"], "status": "transferred", "to": to,
            "pending_notifications": ["người kiến nghị", "MTTQ, đoàn thể"]}


def notify(db, today: dt.date, pid: int, *, who: str, doc_number: str = "", on: dt.date | None = None) -> dict:
    p = get(db, pid)
    kind = {"petitioner": "notify_petitioner", "mttq": "notify_mttq"}.get(who)
    if kind is None:
        raise DoithoaiError(f"Không rõ thông báo cho ai: '{who}'.", "Dùng --to petitioner hoặc --to mttq.")
    on = on or today
    _not_future(on, today, "Ngày thông báo")
    _action(db, p["id"], kind, on, doc_number=clean(doc_number, "Số văn bản"))
    log_event(db, f"petition.{kind}", "petitions", p["id"], None, {"on": on.isoformat()})
    return {"id": p["id"], "status": p["status"], "notified": who}


def escalate(db, today: dt.date, pid: int, *, to: str = "", reason: str, doc_number: str = "",
             doc_date: dt.date | None = None) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, statuses.OPEN, "trình cấp trên", fix("petition.reopen_done", id=p["id"]))
    to = clean(to, "Nơi nhận") or settings.get(db, "unit.escalate_to")
    if not to:
        raise DoithoaiError("Chưa rõ trình cơ quan cấp trên nào.",
                            fix=fix("petition.escalate_to"))
    reason = check_text(reason, "Lý do trình cấp trên")
    on = doc_date or today
    _not_future(on, today, "Ngày trình")
    _action(db, p["id"], "escalate", on, to_body=to, doc_number=clean(doc_number, "Số văn bản"),
            doc_date=doc_date.isoformat() if doc_date else None, summary=reason)
    _set_status(db, p, "escalated", "petition.escalate", {"to": to})
    return {"id": p["id"], "status": "escalated", "to": to}


def verify(db, today: dt.date, pid: int, *, note: str, agency: str | None = None) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    if p["status"] == "closed":
        raise InvalidTransition(f"Kiến nghị số {p['id']} đã đóng.", fix=fix("petition.reopen", id=p["id"]))
    note = check_text(note, "Nội dung kiểm tra, xác minh")
    agency_id = agencies.resolve(db, agency)["id"] if agency else p["lead_agency_id"]
    _action(db, p["id"], "verify", today, agency_id=agency_id, summary=note)
    log_event(db, "petition.verify", "petitions", p["id"], None, {"on": today.isoformat()})
    return {"id": p["id"], "status": p["status"]}


def conclude(db, today: dt.date, pid: int, *, text: str) -> dict:
    p = get(db, pid)
    s = _session_open(db, p)
    if s["status"] in ("planned", "notice_sent"):
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} chưa diễn ra; chưa có kết luận của người chủ trì.",
                                fix=fix("session.hold", code=s["code"]))
    text = check_text(text, "Nội dung kết luận")
    db.execute("UPDATE petitions SET conclusion = ? WHERE id = ?", [text, p["id"]])
    log_event(db, "petition.conclude", "petitions", p["id"], {"conclusion": p["conclusion"]}, {"conclusion": text})
    return {"id": p["id"], "status": p["status"], "conclusion": text}


def close(db, today: dt.date, pid: int, *, note: str = "") -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, statuses.DONE, "đóng",
             "Chỉ đóng kiến nghị đã trả lời bằng văn bản, đã chuyển hoặc đã trình cấp trên. "
             f"Ghi nhận kết quả trước, ví dụ `doithoai petition answer {p['id']} --written --doc-number … --doc-date … --summary …`.")
    _action(db, p["id"], "close", today, summary=clean(note, "Ghi chú"))
    _set_status(db, p, "closed", "petition.close")
    return {"id": p["id"], "status": "closed"}


def reopen(db, today: dt.date, pid: int, *, reason: str) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, (*statuses.DONE, "closed"), "mở lại", "Kiến nghị này vẫn đang mở; không cần mở lại.")
    reason = check_text(reason, "Lý do mở lại")
    status = "assigned" if p["lead_agency_id"] else "new"
    # A new due date counted from the reopening (unit setting deadline.reopen_days), so the
    # agency that answered on time is not reminded at once. Set by hand: a calendar change
    # does not move it back to the session's date.
    due, rule = deadlines.apply_rule(db, "reopen", today)
    how = f"Mở lại ngày {vn_date(today)}: {rule}"
    # the old assignments stay in history (shown as replaced); the same agencies carry on
    current = db.query("SELECT agency_id, role, calendar_rev FROM assignments WHERE petition_id = ? AND active = 1", [p["id"]])
    db.execute("UPDATE assignments SET active = 0 WHERE petition_id = ? AND active = 1", [p["id"]])
    for x in current:
        db.insert("assignments", {"petition_id": p["id"], "agency_id": x["agency_id"], "role": x["role"],
                                  "due_on": due.isoformat(), "due_rule": how, "manual_due": 1,
                                  "calendar_rev": x["calendar_rev"], "assigned_on": today.isoformat()})
    db.execute("UPDATE petitions SET due_on = ? WHERE id = ?", [due.isoformat(), p["id"]])
    _action(db, p["id"], "reopen", today, summary=reason)
    _set_status(db, p, status, "petition.reopen",
                {"reason": reason, "due_on": due.isoformat(), "due_before": p["due_on"]})
    return {"id": p["id"], "status": status, "due_on": due.isoformat(), "due_rule": how}
