"""A petition (kiến nghị, phản ánh): finding it by number, and one typed in by a clerk.

Every function here runs inside the caller's transaction and takes `today` explicitly. What
happens to a petition afterwards is in petition_actions.py, the lists in petition_listing.py.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from doithoai import sessions
from doithoai.db import log_event
from doithoai.errors import DoithoaiError, InvalidTransition, NotFound, fix
from doithoai.intake import MAX_CONTENT
from doithoai.records import Petition, Session
from doithoai.text import clean, vn_number


def check_text(value: str, what: str, *, required: bool = True, limit: int = MAX_CONTENT) -> str:
    text = clean(value, what)  # refuses control characters, naming the field and the character
    if required and not text:
        raise DoithoaiError(f"{what} không được để trống.", f"Nhập {what.lower()}.")
    if len(text) > limit:
        raise DoithoaiError(f"{what} dài {vn_number(len(text))} ký tự, vượt giới hạn {vn_number(limit)}.",
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
