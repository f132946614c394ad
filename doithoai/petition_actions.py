"""What happens to a petition: assign, answer, transfer, notify, escalate, verify, conclude,
close, reopen. Each records an action (table `actions`) and moves the status as statuses.py
allows. Every function runs inside the caller's transaction and takes `today` explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from doithoai import agencies, deadlines, recompute, sessions, settings, statuses
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, Fix, InvalidTransition, fix
from doithoai.petitions import check_text, get
from doithoai.records import Petition, Session
from doithoai.text import clean, vn_date


def _require(p: Petition, allowed: tuple[str, ...], doing: str, hint: str | Fix) -> None:
    if p["status"] not in allowed:
        raise InvalidTransition(
            f"Không thể {doing} kiến nghị số {p['id']}: đang ở trạng thái '{statuses.LABELS[p['status']]}'.",
            hint if isinstance(hint, str) else None, fix=hint if isinstance(hint, Fix) else None,
        )


def session_open(db, p: Petition) -> Session:
    s = sessions.get(db, p["session_id"])
    if s["status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} đã kết thúc và lưu hồ sơ; kiến nghị không sửa được nữa.",
                                "Hồ sơ đã đóng là bản lưu chính thức.")
    return s


def record_action(db, pid: int, kind: str, on: dt.date, **values) -> None:
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
    s = session_open(db, p)
    reason = clean(reason, "Lý do")
    if complex_ and not reason:
        raise DoithoaiError("Vụ việc phức tạp cần nêu lý do (thời hạn trả lời 30 thay vì 15 ngày làm việc).",
                            fix=fix("petition.complex_reason"))
    lead = agencies.resolve(db, agency)
    supports: list = []
    for ref in support:
        a = agencies.resolve(db, ref)
        if a["id"] == lead["id"]:
            raise DoithoaiError(f"{a['code']} đã là cơ quan chủ trì, không thể đồng thời phối hợp.",
                                fix=fix("petition.support_not_lead"))
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
    recompute.refresh_petition_due(db, "id = ?", [p["id"]])
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
    s = session_open(db, p)
    _require(p, statuses.OPEN, "ghi nhận trả lời cho",
             fix("petition.reopen_done", id=p["id"]))
    summary = check_text(summary, "Tóm tắt nội dung trả lời")
    agency_id = agencies.resolve(db, agency)["id"] if agency else p["lead_agency_id"]
    accepted_value = None if accepted is None else int(accepted)
    if written or interim:
        doc_number = clean(doc_number, "Số văn bản")
        if written and not interim and (not doc_number or doc_date is None):
            raise DoithoaiError("Trả lời bằng văn bản cần số và ngày văn bản.",
                                fix=fix("petition.written_doc"))
        on = doc_date or today
        _not_future(on, today, "Ngày văn bản")
        if p["registered_on"] and on.isoformat() < p["registered_on"]:
            raise DoithoaiError(
                f"Ngày trả lời {vn_date(on)} trước ngày tiếp nhận kiến nghị {vn_date(p['registered_on'])}.",
                "Một kiến nghị không thể được trả lời trước khi tiếp nhận; kiểm tra lại ngày văn bản.")
        if interim:
            record_action(db, p["id"], "answer_interim", on, agency_id=agency_id, doc_number=doc_number,
                    doc_date=doc_date.isoformat() if doc_date else None, summary=summary, accepted=accepted_value)
            log_event(db, "petition.answer_interim", "petitions", p["id"], None,
                      {"doc_number": doc_number, "on": on.isoformat()})
            return {"id": p["id"], "status": p["status"], "interim": True}
        assert doc_date is not None  # required above for a written answer
        record_action(db, p["id"], "answer_written", doc_date, agency_id=agency_id, doc_number=doc_number,
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
    record_action(db, p["id"], "answer_meeting", dt.date.fromisoformat(s["date"]), agency_id=agency_id,
            summary=summary, resolved=int(resolved), accepted=accepted_value)
    if resolved:
        _set_status(db, p, "answered", "petition.answer_meeting", {"resolved": 1, "accepted": accepted_value})
        return {"id": p["id"], "status": "answered"}
    log_event(db, "petition.answer_meeting", "petitions", p["id"], None, {"resolved": 0, "accepted": accepted_value})
    return {"id": p["id"], "status": p["status"]}


def transfer(db, today: dt.date, pid: int, *, to: str, doc_number: str = "", doc_date: dt.date | None = None,
             note: str = "") -> dict:
    p = get(db, pid)
    session_open(db, p)
    _require(p, statuses.OPEN, "chuyển", fix("petition.reopen_done", id=p["id"]))
    to = check_text(to, "Cơ quan có thẩm quyền nhận chuyển", limit=300)
    on = doc_date or today
    _not_future(on, today, "Ngày chuyển")
    record_action(db, p["id"], "transfer", on, to_body=to, doc_number=clean(doc_number, "Số văn bản"),
            doc_date=doc_date.isoformat() if doc_date else None, summary=clean(note, "Ghi chú"))
    _set_status(db, p, "transferred", "petition.transfer", {"to": to})
    return {"id": p["id"], "status": "transferred", "to": to,
            "pending_notifications": ["người kiến nghị", "MTTQ, đoàn thể"]}


def notify(db, today: dt.date, pid: int, *, who: str, doc_number: str = "", on: dt.date | None = None) -> dict:
    p = get(db, pid)
    kind = {"petitioner": "notify_petitioner", "mttq": "notify_mttq"}.get(who)
    if kind is None:
        raise DoithoaiError(f"Không rõ thông báo cho ai: '{who}'.", fix=fix("petition.notify_to"))
    on = on or today
    _not_future(on, today, "Ngày thông báo")
    record_action(db, p["id"], kind, on, doc_number=clean(doc_number, "Số văn bản"))
    log_event(db, f"petition.{kind}", "petitions", p["id"], None, {"on": on.isoformat()})
    return {"id": p["id"], "status": p["status"], "notified": who}


def escalate(db, today: dt.date, pid: int, *, to: str = "", reason: str, doc_number: str = "",
             doc_date: dt.date | None = None) -> dict:
    p = get(db, pid)
    session_open(db, p)
    _require(p, statuses.OPEN, "trình cấp trên", fix("petition.reopen_done", id=p["id"]))
    to = clean(to, "Nơi nhận") or settings.get(db, "unit.escalate_to")
    if not to:
        raise DoithoaiError("Chưa rõ trình cơ quan cấp trên nào.",
                            fix=fix("petition.escalate_to"))
    reason = check_text(reason, "Lý do trình cấp trên")
    on = doc_date or today
    _not_future(on, today, "Ngày trình")
    record_action(db, p["id"], "escalate", on, to_body=to, doc_number=clean(doc_number, "Số văn bản"),
            doc_date=doc_date.isoformat() if doc_date else None, summary=reason)
    _set_status(db, p, "escalated", "petition.escalate", {"to": to})
    return {"id": p["id"], "status": "escalated", "to": to}


def verify(db, today: dt.date, pid: int, *, note: str, agency: str | None = None) -> dict:
    p = get(db, pid)
    session_open(db, p)
    if p["status"] == "closed":
        raise InvalidTransition(f"Kiến nghị số {p['id']} đã đóng.", fix=fix("petition.reopen", id=p["id"]))
    note = check_text(note, "Nội dung kiểm tra, xác minh")
    agency_id = agencies.resolve(db, agency)["id"] if agency else p["lead_agency_id"]
    record_action(db, p["id"], "verify", today, agency_id=agency_id, summary=note)
    log_event(db, "petition.verify", "petitions", p["id"], None, {"on": today.isoformat()})
    return {"id": p["id"], "status": p["status"]}


def conclude(db, today: dt.date, pid: int, *, text: str) -> dict:
    p = get(db, pid)
    s = session_open(db, p)
    if s["status"] in ("planned", "notice_sent"):
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} chưa diễn ra; chưa có kết luận của người chủ trì.",
                                fix=fix("session.hold", code=s["code"]))
    text = check_text(text, "Nội dung kết luận")
    db.execute("UPDATE petitions SET conclusion = ? WHERE id = ?", [text, p["id"]])
    log_event(db, "petition.conclude", "petitions", p["id"], {"conclusion": p["conclusion"]}, {"conclusion": text})
    return {"id": p["id"], "status": p["status"], "conclusion": text}


def close(db, today: dt.date, pid: int, *, note: str = "") -> dict:
    p = get(db, pid)
    session_open(db, p)
    _require(p, statuses.DONE, "đóng", fix("petition.result_before_close", id=p["id"]))
    record_action(db, p["id"], "close", today, summary=clean(note, "Ghi chú"))
    _set_status(db, p, "closed", "petition.close")
    return {"id": p["id"], "status": "closed"}


def reopen(db, today: dt.date, pid: int, *, reason: str) -> dict:
    p = get(db, pid)
    session_open(db, p)
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
    record_action(db, p["id"], "reopen", today, summary=reason)
    _set_status(db, p, status, "petition.reopen",
                {"reason": reason, "due_on": due.isoformat(), "due_before": p["due_on"]})
    return {"id": p["id"], "status": status, "due_on": due.isoformat(), "due_rule": how}
