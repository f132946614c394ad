"""Petitions (kiến nghị, phản ánh), their petitioners, assignments and actions.

Lifecycle: new → assigned → answered | transferred | escalated → closed (reopen goes back).
Every function here runs inside the caller's transaction and takes `today` explicitly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from doithoai import agencies, deadlines, fields, sessions, settings
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, InvalidTransition, NotFound
from doithoai.text import clean, fold, fold_clean, normalise_phone, slug, vn_date

OPEN = deadlines.OPEN_STATUSES
DONE = ("answered", "transferred", "escalated")
STATUS_LABELS = {
    "new": "Mới tiếp nhận",
    "assigned": "Đã giao",
    "answered": "Đã trả lời",
    "transferred": "Đã chuyển",
    "escalated": "Đã trình cấp trên",
    "closed": "Đã đóng",
}
SOURCES = {
    "phieu-dang-ky": "Phiếu đăng ký",
    "mttq": "MTTQ",
    "doan-the": "Đoàn thể",
    "dai-bieu": "Đại biểu dân cử",
    "thong-tin": "Phương tiện thông tin",
    "tai-hoi-nghi": "Tại hội nghị",
}
_SOURCE_SYNONYMS = {
    "phieu": "phieu-dang-ky", "mat-tran": "mttq", "uy-ban-mttq": "mttq", "doan-the-chinh-tri-xa-hoi": "doan-the",
    "dai-bieu-dan-cu": "dai-bieu", "dbdc": "dai-bieu", "phuong-tien-thong-tin": "thong-tin", "bao-chi": "thong-tin",
    "hoi-nghi": "tai-hoi-nghi",
}
URGENCIES = {"thuong": "Thường", "cap-thiet": "Cấp thiết", "khan": "Khẩn"}
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
}
MAX_CONTENT = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_source(value: str | None) -> str:
    from doithoai.vocabulary import code_for

    return code_for(value, SOURCES, "Nguồn", _SOURCE_SYNONYMS) if value else "phieu-dang-ky"


def parse_urgency(value: str | None) -> str:
    from doithoai.vocabulary import code_for

    return code_for(value, URGENCIES, "Mức độ") if value else "thuong"


def parse_status(value: str) -> str:
    from doithoai.vocabulary import code_for

    return code_for(value, STATUS_LABELS, "Trạng thái")


def check_text(value: str, what: str, *, required: bool = True, limit: int = MAX_CONTENT) -> str:
    if _CONTROL.search(str(value or "")):
        raise DoithoaiError(f"{what} chứa ký tự điều khiển không in được.",
                            "Xóa các ký tự lạ (thường do sao chép từ phần mềm khác) rồi nhập lại.")
    text = clean(value)
    if required and not text:
        raise DoithoaiError(f"{what} không được để trống.", f"Nhập {what.lower()}.")
    if len(text) > limit:
        raise DoithoaiError(f"{what} dài {len(text):,} ký tự, vượt giới hạn {limit:,}.",
                            "Tóm tắt nội dung; tài liệu kèm theo lưu trong hồ sơ giấy.")
    return text


def stable_key(session_id: int, form_no: str, name: str, content: str, folded: bool = False) -> str:
    """Form number when there is one, else a hash of petitioner + content + session:
    the same petition imported twice is recognised, never duplicated."""
    if form_no:
        return f"form:{session_id}:{fold_clean(form_no) if folded else fold(form_no)}"
    if not folded:
        name, content = fold(name), fold(content)
    digest = hashlib.sha256(f"{session_id}\x1f{name}\x1f{content}".encode()).hexdigest()
    return f"hash:{digest[:32]}"


def upsert_petitioner(db, name: str, name_fold: str, address: str, phone: str, is_org: bool) -> tuple[int, bool]:
    """(id, created). A petitioner is the same person when name and phone match, or, without a
    phone, name and address. Inserted unless present, in one statement (imports call this per row)."""
    if phone:
        cursor = db.execute(
            "INSERT INTO petitioners (name, name_fold, is_organisation, address, phone) SELECT ?,?,?,?,? "
            "WHERE NOT EXISTS (SELECT 1 FROM petitioners WHERE name_fold = ? AND phone = ?)",
            [name, name_fold, int(is_org), address, phone, name_fold, phone])
    else:
        cursor = db.execute(
            "INSERT INTO petitioners (name, name_fold, is_organisation, address, phone) SELECT ?,?,?,?,? "
            "WHERE NOT EXISTS (SELECT 1 FROM petitioners WHERE name_fold = ? AND phone = '' AND address = ?)",
            [name, name_fold, int(is_org), address, phone, name_fold, address])
    if cursor.rowcount:
        return cursor.lastrowid, True
    row = db.execute("SELECT id FROM petitioners WHERE name_fold = ? AND phone = ? AND (? <> '' OR address = ?)",
                     [name_fold, phone, phone, address]).fetchone()
    return row[0], False


def get(db, pid: int | str) -> dict:
    text = clean(str(pid)).lstrip("#")
    row = None
    if text.isdigit():
        row = next(iter(db.query("SELECT * FROM petitions WHERE id = ?", [int(text)])), None)
    if row is None:
        raise NotFound(f"Không có kiến nghị số {pid}.", "Xem danh sách bằng `doithoai petition list`.")
    return row


def add(db, today: dt.date, *, session: str, name: str, content: str, address: str = "", phone: str = "",
        organisation: bool = False, source: str | None = None, field: str | None = None,
        urgency: str | None = None, speak: bool = False, order: int | None = None, form_no: str = "",
        registered_on: dt.date | None = None, proposed_agency: str = "") -> dict:
    s = sessions.get(db, session)
    if s["status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} đã kết thúc, không nhận thêm kiến nghị.",
                                "Ghi kiến nghị vào cuộc đối thoại khác.")
    name = check_text(name, "Họ tên người kiến nghị", limit=200)
    content = check_text(content, "Nội dung kiến nghị")
    address = check_text(address, "Địa chỉ", required=False, limit=500)
    phone = normalise_phone(phone)
    source_code = parse_source(source)
    urgency_code = parse_urgency(urgency)
    field_id = fields.resolve(db, field)["id"] if field else None
    if order is not None:
        if order <= 0:
            raise DoithoaiError(f"Thứ tự phát biểu phải là số dương, nhận được {order}.", "Ví dụ --order 3.")
        taken = db.execute("SELECT id FROM petitions WHERE session_id = ? AND speak_order = ?", [s["id"], order]).fetchone()
        if taken:
            raise DoithoaiError(f"Thứ tự phát biểu {order} đã dành cho kiến nghị số {taken[0]}.",
                                "Chọn thứ tự khác, hoặc bỏ --order để xếp cuối danh sách.")
        speak = True
    form_no = clean(form_no)
    key = stable_key(s["id"], form_no, name, content)
    existing = db.execute("SELECT id FROM petitions WHERE stable_key = ?", [key]).fetchone()
    if existing:
        raise DoithoaiError(
            f"Kiến nghị này đã có trong cuộc đối thoại {s['code']} (số {existing[0]}).",
            f"Xem bằng `doithoai petition show {existing[0]}`.",
        )
    if speak and order is None:
        order = (db.execute("SELECT MAX(speak_order) FROM petitions WHERE session_id = ?", [s["id"]]).fetchone()[0] or 0) + 1
    petitioner_id, _created = upsert_petitioner(db, name, fold(name), address, phone, organisation)
    row = {
        "session_id": s["id"], "petitioner_id": petitioner_id, "stable_key": key, "form_no": form_no,
        "content": content, "content_fold": fold(content), "field_id": field_id, "urgency": urgency_code,
        "source": source_code, "registered_on": (registered_on or today).isoformat(), "speak": int(speak),
        "speak_order": order, "proposed_agency": clean(proposed_agency), "status": "new",
        "created_at": now_utc(),
    }
    pid = db.execute(f"INSERT INTO petitions ({', '.join(row)}) VALUES ({','.join('?' * len(row))})",
                     list(row.values())).lastrowid
    deadlines.refresh_petition_due(db, "id = ?", [pid])
    # No personal data in the event log: the petitioner is referenced by id.
    log_event(db, "petition.add", "petitions", pid, None,
              {k: v for k, v in row.items() if k not in ("content_fold", "created_at")})
    return get(db, pid)


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


def list_rows(db, *, as_of: dt.date, session: str | None = None, status: str | None = None,
              agency: str | None = None, field: str | None = None, source: str | None = None,
              overdue: bool = False, search: str | None = None) -> list[dict]:
    where, params = scope(db, session, field)
    if status:
        where.append("p.status = ?")
        params.append(parse_status(status))
    if agency:
        where.append("EXISTS (SELECT 1 FROM assignments x WHERE x.petition_id = p.id AND x.active = 1 AND x.agency_id = ?)")
        params.append(agencies.get(db, agency)["id"])
    if source:
        where.append("p.source = ?")
        params.append(parse_source(source))
    if overdue:
        where.append(f"p.status IN ({','.join('?' * len(OPEN))}) AND p.due_on < ?")
        params.extend([*OPEN, as_of.isoformat()])
    for word in fold(search).split() if search else []:
        where.append("(p.content_fold LIKE ? OR pr.name_fold LIKE ? OR f.name_fold LIKE ?)")
        params.extend([f"%{word}%"] * 3)
    sql = LIST_SQL + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY s.date, s.id, p.speak_order IS NULL, p.speak_order, p.id"
    rows = list(db.query(sql, params))
    add_days_overdue(db, rows, as_of)
    return rows


def add_days_overdue(db, rows: list[dict], as_of: dt.date) -> None:
    """days_overdue: working days after due_on up to and including as_of (0 if not overdue)."""
    cal = deadlines.load_calendar(db)
    for r in rows:
        due = r.get("due_on")
        if due and r["status"] in OPEN and due < as_of.isoformat():
            r["days_overdue"] = cal.working_days_between(dt.date.fromisoformat(due), as_of)
        else:
            r["days_overdue"] = 0


def show(db, pid: int, as_of: dt.date) -> dict:
    p = get(db, pid)
    row = next(iter(db.query(LIST_SQL + " WHERE p.id = ?", [p["id"]])))
    add_days_overdue(db, [row], as_of)
    row["assignments"] = list(db.query(
        """SELECT a.code AS agency, a.name AS agency_name, x.role, x.due_on, x.due_rule, x.assigned_on, x.active
           FROM assignments x JOIN agencies a ON a.id = x.agency_id WHERE x.petition_id = ? ORDER BY x.id""",
        [p["id"]],
    ))
    row["actions"] = list(db.query(
        """SELECT x.kind, x.on_date, a.code AS agency, x.to_body, x.doc_number, x.doc_date, x.summary, x.resolved
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

def _require(p: dict, allowed: tuple[str, ...], doing: str, hint: str) -> None:
    if p["status"] not in allowed:
        raise InvalidTransition(
            f"Không thể {doing} kiến nghị số {p['id']}: đang ở trạng thái '{STATUS_LABELS[p['status']]}'.", hint
        )


def _session_open(db, p: dict) -> dict:
    s = sessions.get(db, p["session_id"])
    if s["status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} đã kết thúc và lưu hồ sơ; kiến nghị không sửa được nữa.",
                                "Hồ sơ đã đóng là bản lưu chính thức.")
    return s


def _action(db, pid: int, kind: str, on: dt.date, **values) -> None:
    row = {"petition_id": pid, "kind": kind, "on_date": on.isoformat(), "created_at": now_utc(), **values}
    db.execute(f"INSERT INTO actions ({', '.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))


def _set_status(db, p: dict, status: str, action: str, detail: dict | None = None) -> None:
    db.execute("UPDATE petitions SET status = ? WHERE id = ?", [status, p["id"]])
    log_event(db, action, "petitions", p["id"], {"status": p["status"]}, {"status": status, **(detail or {})})


def _not_future(day: dt.date, today: dt.date, what: str) -> None:
    if day > today:
        raise DoithoaiError(f"{what} {vn_date(day)} ở tương lai.", "Chỉ ghi nhận việc đã làm; kiểm tra lại ngày.")


def assign(db, today: dt.date, pid: int, agency: str, support: list[str] = (), complex_: bool = False,
           reason: str = "", due: dt.date | None = None) -> dict:
    """Give the petition to a lead agency (and supporting ones). Re-assigning replaces the set."""
    p = get(db, pid)
    _require(p, OPEN, "giao", f"Kiến nghị đã xử lý xong; muốn giao lại, mở lại trước: `doithoai petition reopen {p['id']} --reason …`.")
    s = _session_open(db, p)
    reason = clean(reason)
    if complex_ and not reason:
        raise DoithoaiError("Vụ việc phức tạp cần nêu lý do (thời hạn trả lời 30 thay vì 15 ngày làm việc).",
                            "Thêm --reason \"…\", ví dụ --reason \"Cần đo đạc, xác minh nguồn gốc đất\".")
    lead = agencies.resolve(db, agency)
    supports = []
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
        due, due_rule = deadlines.answer_due(db, dt.date.fromisoformat(s["date"]), complex_)
        manual = 0
    before = [dict(r) for r in db.query(
        "SELECT agency_id, role, due_on FROM assignments WHERE petition_id = ? AND active = 1", [p["id"]])]
    db.execute("UPDATE assignments SET active = 0 WHERE petition_id = ? AND active = 1", [p["id"]])
    rev = deadlines.calendar_rev(db)
    for a, role in [(lead, "lead"), *((x, "support") for x in supports)]:
        db.execute(
            "INSERT INTO assignments (petition_id, agency_id, role, due_on, due_rule, manual_due, calendar_rev, assigned_on) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [p["id"], a["id"], role, due.isoformat(), due_rule, manual, rev, today.isoformat()],
        )
    db.execute("UPDATE petitions SET status = 'assigned', complex = ?, complex_reason = ? WHERE id = ?",
               [int(complex_), reason if complex_ else "", p["id"]])
    deadlines.refresh_petition_due(db, "id = ?", [p["id"]])
    log_event(db, "petition.assign", "petitions", p["id"], {"status": p["status"], "assignments": before},
              {"status": "assigned", "lead": lead["code"], "support": [x["code"] for x in supports],
               "due_on": due.isoformat(), "due_rule": due_rule, "complex": int(complex_)})
    return {"id": p["id"], "lead_agency": lead["code"], "support": [x["code"] for x in supports],
            "due_on": due.isoformat(), "due_rule": due_rule, "status": "assigned"}


def answer(db, today: dt.date, pid: int, *, written: bool, summary: str, doc_number: str = "",
           doc_date: dt.date | None = None, resolved: bool = False, agency: str | None = None) -> dict:
    p = get(db, pid)
    s = _session_open(db, p)
    _require(p, OPEN, "ghi nhận trả lời cho",
             f"Kiến nghị đã có kết quả; nếu cần xử lý lại: `doithoai petition reopen {p['id']} --reason …`.")
    summary = check_text(summary, "Tóm tắt nội dung trả lời")
    agency_id = agencies.resolve(db, agency)["id"] if agency else p["lead_agency_id"]
    if written:
        doc_number = clean(doc_number)
        if not doc_number or doc_date is None:
            raise DoithoaiError("Trả lời bằng văn bản cần số và ngày văn bản.",
                                "Thêm --doc-number \"125/UBND-TNMT\" --doc-date DD/MM/YYYY.")
        _not_future(doc_date, today, "Ngày văn bản")
        _action(db, p["id"], "answer_written", doc_date, agency_id=agency_id, doc_number=doc_number,
                doc_date=doc_date.isoformat(), summary=summary, resolved=int(resolved))
        _set_status(db, p, "answered", "petition.answer_written",
                    {"doc_number": doc_number, "doc_date": doc_date.isoformat(), "resolved": int(resolved)})
        return {"id": p["id"], "status": "answered", "on_time": p["due_on"] is None or doc_date.isoformat() <= p["due_on"]}
    if s["status"] in ("planned", "notice_sent"):
        raise InvalidTransition(
            f"Cuộc đối thoại {s['code']} chưa diễn ra; chưa thể ghi trả lời tại hội nghị.",
            f"Ghi nhận hội nghị đã diễn ra trước: `doithoai session hold {s['code']}`.",
        )
    _action(db, p["id"], "answer_meeting", dt.date.fromisoformat(s["date"]), agency_id=agency_id,
            summary=summary, resolved=int(resolved))
    if resolved:
        _set_status(db, p, "answered", "petition.answer_meeting", {"resolved": 1})
        return {"id": p["id"], "status": "answered"}
    log_event(db, "petition.answer_meeting", "petitions", p["id"], None, {"resolved": 0})
    return {"id": p["id"], "status": p["status"]}


def transfer(db, today: dt.date, pid: int, *, to: str, doc_number: str = "", doc_date: dt.date | None = None,
             note: str = "") -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, OPEN, "chuyển", f"Kiến nghị đã có kết quả; nếu cần xử lý lại: `doithoai petition reopen {p['id']} --reason …`.")
    to = check_text(to, "Cơ quan có thẩm quyền nhận chuyển", limit=300)
    on = doc_date or today
    _not_future(on, today, "Ngày chuyển")
    _action(db, p["id"], "transfer", on, to_body=to, doc_number=clean(doc_number),
            doc_date=doc_date.isoformat() if doc_date else None, summary=clean(note))
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
    _action(db, p["id"], kind, on, doc_number=clean(doc_number))
    log_event(db, f"petition.{kind}", "petitions", p["id"], None, {"on": on.isoformat()})
    return {"id": p["id"], "status": p["status"], "notified": who}


def escalate(db, today: dt.date, pid: int, *, to: str = "", reason: str, doc_number: str = "",
             doc_date: dt.date | None = None) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, OPEN, "trình cấp trên", f"Kiến nghị đã có kết quả; nếu cần xử lý lại: `doithoai petition reopen {p['id']} --reason …`.")
    to = clean(to) or settings.get(db, "unit.parent")
    if not to:
        raise DoithoaiError("Chưa rõ trình cơ quan cấp trên nào.",
                            "Thêm --to \"Tên cơ quan\", hoặc đặt `doithoai config set unit.parent \"…\"`.")
    reason = check_text(reason, "Lý do trình cấp trên")
    on = doc_date or today
    _not_future(on, today, "Ngày trình")
    _action(db, p["id"], "escalate", on, to_body=to, doc_number=clean(doc_number),
            doc_date=doc_date.isoformat() if doc_date else None, summary=reason)
    _set_status(db, p, "escalated", "petition.escalate", {"to": to})
    return {"id": p["id"], "status": "escalated", "to": to}


def verify(db, today: dt.date, pid: int, *, note: str, agency: str | None = None) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    if p["status"] == "closed":
        raise InvalidTransition(f"Kiến nghị số {p['id']} đã đóng.", f"Mở lại trước: `doithoai petition reopen {p['id']} --reason …`.")
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
                                f"Ghi nhận hội nghị đã diễn ra trước: `doithoai session hold {s['code']}`.")
    text = check_text(text, "Nội dung kết luận")
    db.execute("UPDATE petitions SET conclusion = ? WHERE id = ?", [text, p["id"]])
    log_event(db, "petition.conclude", "petitions", p["id"], {"conclusion": p["conclusion"]}, {"conclusion": text})
    return {"id": p["id"], "status": p["status"], "conclusion": text}


def close(db, today: dt.date, pid: int, *, note: str = "") -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, DONE, "đóng",
             "Chỉ đóng kiến nghị đã trả lời bằng văn bản, đã chuyển hoặc đã trình cấp trên. "
             f"Ghi nhận kết quả trước, ví dụ `doithoai petition answer {p['id']} --written --doc-number … --doc-date … --summary …`.")
    _action(db, p["id"], "close", today, summary=clean(note))
    _set_status(db, p, "closed", "petition.close")
    return {"id": p["id"], "status": "closed"}


def reopen(db, today: dt.date, pid: int, *, reason: str) -> dict:
    p = get(db, pid)
    _session_open(db, p)
    _require(p, (*DONE, "closed"), "mở lại", "Kiến nghị này vẫn đang mở; không cần mở lại.")
    reason = check_text(reason, "Lý do mở lại")
    status = "assigned" if p["lead_agency_id"] else "new"
    _action(db, p["id"], "reopen", today, summary=reason)
    _set_status(db, p, status, "petition.reopen", {"reason": reason})
    return {"id": p["id"], "status": status}
