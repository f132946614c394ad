"""Dialogue sessions (cuộc tiếp xúc, đối thoại) and their lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from doithoai import deadlines, recompute, settings, statuses
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, InvalidTransition, NotFound, OpenPetitions, fix
from doithoai.records import Session
from doithoai.text import clean, parse_time, slug, vn_date

STATUSES = ("planned", "notice_sent", "held", "reviewed", "closed", "cancelled")
STATUS_LABELS = {
    "planned": "Đã lên kế hoạch",
    "notice_sent": "Đã gửi giấy mời",
    "held": "Đã tổ chức",
    "reviewed": "Đã rút kinh nghiệm, thông báo kết luận",
    "closed": "Đã kết thúc, lưu hồ sơ",
    "cancelled": "Đã hủy (không tổ chức)",
}
# step → (status it requires, column that dates it)
STEPS = {
    "notice_sent": ("planned", "notice_sent_on"),
    "held": ("notice_sent", "held_on"),
    "reviewed": ("held", "reviewed_on"),
    "closed": ("reviewed", "closed_on"),
}
EDITABLE = ("title", "commune", "date", "time", "location", "chair", "secretary")


def get(db, ref: str | int) -> Session:
    text = clean(str(ref))
    row = None
    if text.isdigit():
        row = db.execute("SELECT id FROM sessions WHERE id = ?", [int(text)]).fetchone()
    if row is None:
        row = db.execute("SELECT id FROM sessions WHERE code = ? COLLATE NOCASE", [text]).fetchone()
    if row is None:
        raise NotFound(f"Không có cuộc đối thoại '{ref}'.", fix=fix("session.list"))
    return cast(Session, db.row("SELECT * FROM sessions WHERE id = ?", [row[0]]))


def petition_counts(db, session_id: int) -> dict[str, int]:
    return {r["status"]: r["n"] for r in db.query(
        "SELECT status, COUNT(*) AS n FROM petitions WHERE session_id = ? GROUP BY status", [session_id])}


def _unique_code(db, base: str) -> str:
    code, n = base, 1
    while db.execute("SELECT 1 FROM sessions WHERE code = ?", [code]).fetchone():
        n += 1
        code = f"{base}-{n}"
    return code


PERSON_FIELDS = ("chair_name", "chair_position", "secretary_name", "secretary_position", "officials",
                 "citizens_present", "end_time")


def _person_value(key: str, value):
    if key == "citizens_present":
        text = clean(str(value))
        if not text.isdigit() or int(text) > 100000:
            raise DoithoaiError(f"Số công dân dự '{value}' không hợp lệ.", fix=fix("session.citizens"))
        return int(text)
    if key == "end_time":
        return parse_time(value) if clean(value) else ""
    return clean(value)


def create(db, *, commune: str, date: dt.date, time: str = "", location: str = "", chair: str = "",
           secretary: str = "", title: str = "", code: str = "", **persons) -> Session:
    settings.require_initialised(db)
    commune = clean(commune, "Tên xã/phường")
    if not commune:
        raise DoithoaiError("Thiếu tên xã/phường nơi đối thoại.", fix=fix("session.commune"))
    if code:
        code = clean(code, "Mã cuộc đối thoại")
        if db.execute("SELECT 1 FROM sessions WHERE code = ? COLLATE NOCASE", [code]).fetchone():
            raise DoithoaiError(f"Mã cuộc đối thoại '{code}' đã có.", fix=fix("session.other_code"))
    else:
        code = _unique_code(db, f"{date.year}-{slug(commune)}")
    row = {
        "code": code, "title": clean(title, "Tiêu đề") or f"Tiếp xúc, đối thoại trực tiếp với Nhân dân {commune}",
        "commune": commune, "date": date.isoformat(), "time": parse_time(time) if time else "",
        "location": clean(location, "Địa điểm"), "chair": clean(chair, "Người chủ trì"),
        "secretary": clean(secretary, "Thư ký"),
        **{k: _person_value(k, v) for k, v in persons.items() if v is not None},
        "status": "planned", "created_at": now_utc(), "calendar_rev": deadlines.calendar_rev(db),
        **deadlines.session_milestones(db, date),
    }
    row["id"] = db.insert("sessions", row)
    log_event(db, "session.create", "sessions", row["id"], None, row)
    return get(db, row["id"])


def list_all(db, status: str | None = None) -> list[dict]:
    if status:
        from doithoai.vocabulary import code_for

        status = code_for(status, STATUS_LABELS, "Trạng thái cuộc đối thoại")
    where, params = ("WHERE s.status = ?", [status]) if status else ("", [])
    return list(db.query(
        f"""SELECT s.*, COUNT(p.id) AS petitions,
                   SUM({statuses.open_sql("p")}) AS open_petitions
            FROM sessions s LEFT JOIN petitions p ON p.session_id = s.id AND {statuses.counted_sql("p")} {where}
            GROUP BY s.id ORDER BY s.date, s.id""",
        params,
    ))


def edit(db, ref: str, **changes) -> tuple[Session, list[dict]]:
    """Change details; a new date recomputes milestones and open due dates. Returns (session, moved)."""
    current = get(db, ref)
    before: Mapping[str, Any] = current  # read by column name below
    updates = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "date":
            value = value.isoformat()
        elif key in ("time", "end_time"):
            value = parse_time(value) if value else ""
        elif key in PERSON_FIELDS:
            value = _person_value(key, value)
        else:
            value = clean(value, f"Trường {key} của cuộc đối thoại")
        if key == "commune" and not value:
            raise DoithoaiError("Tên xã/phường không được để trống.", fix=fix("session.keep_commune"))
        if before[key] != value:
            updates[key] = value
    if not updates:
        raise DoithoaiError("Không có gì thay đổi.", fix=fix("session.edit_what"))
    if current["status"] == "closed":
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} đã kết thúc và lưu hồ sơ, không sửa được.",
            "Hồ sơ đã đóng là bản lưu; nếu thật cần sửa, liên hệ người quản trị để khôi phục từ bản sao lưu.",
        )
    if "date" in updates and current["status"] not in ("planned", "notice_sent"):
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} đã tổ chức ngày {vn_date(current['date'])}; không đổi ngày được nữa.",
            "Ngày đối thoại là mốc tính mọi thời hạn trả lời; chỉ đổi được trước khi hội nghị diễn ra.",
        )
    sets = ", ".join(f"{k} = ?" for k in updates)
    db.execute(f"UPDATE sessions SET {sets} WHERE id = ?", [*updates.values(), current["id"]])
    log_event(db, "session.edit", "sessions", current["id"], {k: before[k] for k in updates}, updates)
    moved = recompute.open_deadlines(db, current["id"]) if "date" in updates else []
    return get(db, current["id"]), moved


def advance(db, ref: str, to: str, on: dt.date, today: dt.date) -> tuple[Session, list[str]]:
    """Move a session one step along planned → notice_sent → held → reviewed → closed.
    Returns (session, warnings)."""
    current = get(db, ref)
    required, column = STEPS[to]
    warnings: list[str] = []
    if to == "held" and current["status"] == "planned":
        # Recorded after the fact (a past session entered late): the notice is recorded as not
        # recorded, with a warning, rather than refused.
        required = "planned"
        warnings.append(f"Chưa ghi nhận ngày gửi giấy mời của cuộc đối thoại {current['code']}; "
                        "ghi là chưa rõ. Nếu có, bổ sung vào hồ sơ giấy.")
    if current["status"] != required:
        have = STATUS_LABELS[current["status"]].lower()
        need = STATUS_LABELS[required].lower()
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} đang ở trạng thái '{have}'; bước này cần trạng thái '{need}'.",
            fix=fix("session.steps"),
        )
    if on > today:
        raise DoithoaiError(f"Ngày {vn_date(on)} ở tương lai.", fix=fix("session.on_today"))
    date = dt.date.fromisoformat(current["date"])
    if to == "notice_sent" and current["notice_by"] and on > dt.date.fromisoformat(current["notice_by"]):
        warnings.append(
            f"Giấy mời gửi ngày {vn_date(on)}, muộn hơn hạn {vn_date(current['notice_by'])} "
            "(quy chế: gửi trước hội nghị ít nhất số ngày làm việc đã đặt)."
        )
    if to == "held" and on != date:
        raise DoithoaiError(
            f"Ngày tổ chức {vn_date(on)} khác ngày của cuộc đối thoại ({vn_date(date)}).",
            fix=fix("session.edit_date_or_on", code=current["code"]),
        )
    if to == "reviewed" and current["review_by"] and on > dt.date.fromisoformat(current["review_by"]):
        warnings.append(f"Thông báo kết luận ngày {vn_date(on)}, quá hạn {vn_date(current['review_by'])}.")
    if to == "closed":
        blocking = list(db.query(
            f"""SELECT p.id, p.status, p.due_on, a.code AS lead_agency
                 FROM petitions p
                 LEFT JOIN assignments x ON x.petition_id = p.id AND x.active = 1 AND x.role = 'lead'
                 LEFT JOIN agencies a ON a.id = x.agency_id
                WHERE p.session_id = ? AND {statuses.open_sql('p')} ORDER BY p.id""", [current["id"]]))
        if blocking:
            raise OpenPetitions(
                f"Còn {len(blocking)} kiến nghị của cuộc đối thoại {current['code']} chưa được trả lời, chuyển hoặc "
                "trình cấp trên.", blocking, "Giải quyết từng kiến nghị dưới đây rồi kết thúc hồ sơ.")
    db.execute(f"UPDATE sessions SET status = ?, {column} = ? WHERE id = ?", [to, on.isoformat(), current["id"]])
    log_event(db, f"session.{to}", "sessions", current["id"], {"status": current["status"]},
              {"status": to, column: on.isoformat()})
    return get(db, current["id"]), warnings


def conclude(db, ref: str, text: str) -> Session:
    current = get(db, ref)
    text = clean(text, "Nội dung kết luận")
    if not text:
        raise DoithoaiError("Nội dung kết luận không được để trống.", fix=fix("session.conclusion_text"))
    if current["status"] in ("planned", "notice_sent"):
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} chưa tổ chức; chưa thể có kết luận.",
            fix=fix("session.hold", code=current["code"]),
        )
    db.execute("UPDATE sessions SET conclusion = ? WHERE id = ?", [text, current["id"]])
    log_event(db, "session.conclude", "sessions", current["id"], {"conclusion": current["conclusion"]}, {"conclusion": text})
    return get(db, current["id"])


def cancel(db, ref: str, *, reason: str, on: dt.date) -> Session:
    """A session that never took place: kept in history, out of every plan."""
    current = get(db, ref)
    reason = clean(reason)
    if not reason:
        raise DoithoaiError("Thiếu lý do hủy cuộc đối thoại.", "Ví dụ: \"Hoãn do mưa lũ, sẽ tổ chức lại\".")
    if current["status"] not in ("planned", "notice_sent"):
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} đang ở trạng thái '{STATUS_LABELS[current['status']].lower()}'; "
            "chỉ hủy được cuộc đối thoại chưa diễn ra.", "Cuộc đối thoại đã tổ chức là một phần của hồ sơ.")
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM petitions p WHERE p.session_id = ? AND {statuses.counted_sql('p')} ORDER BY id", [current["id"]])]
    if ids:
        listed = ", ".join(map(str, ids[:20])) + (" …" if len(ids) > 20 else "")
        raise InvalidTransition(
            f"Cuộc đối thoại {current['code']} còn {len(ids)} kiến nghị ({listed}).",
            fix=fix("session.empty_before_cancel"))
    db.execute("UPDATE sessions SET status = 'cancelled', cancelled_on = ?, cancel_reason = ? WHERE id = ?",
               [on.isoformat(), reason, current["id"]])
    log_event(db, "session.cancel", "sessions", current["id"], {"status": current["status"]},
              {"status": "cancelled", "cancelled_on": on.isoformat(), "reason": reason})
    return get(db, current["id"])
