"""Unit settings and deadline rules, stored as key/value rows in `settings`.

Everything that differs between units — names, level, place, symbol, signer, and the
deadline rules of the province's regulation — is data here, never code (DESIGN.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from doithoai.db import log_event
from doithoai.errors import DoithoaiError
from doithoai.text import clean, fold


def _choice(*options: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        v = fold(value)
        if v not in options:
            raise DoithoaiError(f"Giá trị '{value}' không hợp lệ.", f"Chọn một trong: {', '.join(options)}.")
        return v

    return check


def _days(value: str) -> str:
    from doithoai.workdays import MAX_DAYS

    if not clean(value).isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise DoithoaiError(f"Số ngày '{value}' không hợp lệ.", f"Nhập số nguyên từ 1 đến {MAX_DAYS}.")
    return str(int(value))


def _text(value: str) -> str:
    return clean(value)


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    check: Callable[[str], str]
    label: str


SETTINGS = [
    Setting("unit.name", "", _text, "Tên đơn vị tổ chức (ví dụ: Huyện ủy Than Uyên)"),
    Setting("unit.level", "xa", _choice("tinh", "huyen", "xa"), "Cấp: tinh | huyen | xa"),
    Setting("unit.parent", "", _text, "Cơ quan cấp trên (ví dụ: Tỉnh ủy Lai Châu)"),
    Setting("unit.place", "", _text, "Địa danh ghi trên văn bản (ví dụ: Than Uyên)"),
    Setting("unit.symbol", "", _text, "Ký hiệu văn bản (ví dụ: HU, ĐU, UBND)"),
    Setting("unit.style", "state", _choice("party", "state"), "Thể thức văn bản: party (Đảng) | state (Nhà nước)"),
    Setting("unit.signer_on_behalf", "", _text, "Quyền hạn ký (ví dụ: T/M BAN THƯỜNG VỤ, TM. ỦY BAN NHÂN DÂN)"),
    Setting("unit.signer_title", "", _text, "Chức vụ người ký (ví dụ: PHÓ BÍ THƯ)"),
    Setting("unit.signer_name", "", _text, "Họ tên người ký"),
    Setting("unit.office", "", _text, "Cơ quan tham mưu, theo dõi (mặc định: Văn phòng + tên đơn vị)"),
    Setting("doc.template_dir", "", _text, "Thư mục mẫu văn bản riêng của đơn vị (ưu tiên hơn mẫu có sẵn)"),
    Setting("doc.number_format", "", _text, "Dạng số văn bản, ví dụ {number}-{type}/{symbol} (Đảng) hoặc {number}/{type}-{symbol} (Nhà nước)"),
    Setting("doc.letter_number_format", "", _text, "Dạng số công văn, ví dụ {number}-CV/{symbol} hoặc {number}/{symbol}-VP"),
    Setting("doc.numbering", "per-type", _choice("per-type", "shared"), "Đánh số: per-type (riêng từng loại) | shared (chung mọi loại)"),
    Setting("remind.interval_days", "5", _days, "Nhắc lại một kiến nghị sau ít nhất số ngày làm việc này"),
    Setting("remind.escalate_after", "2", _days, "Sau số lần nhắc này, văn bản đôn đốc gửi thủ trưởng, đồng gửi người chủ trì"),
    Setting("deadline.notice_days", "7", _days, "Gửi giấy mời/thông báo trước hội nghị (số ngày)"),
    Setting("deadline.notice_unit", "working", _choice("working", "calendar"), "Đơn vị: working (ngày làm việc) | calendar (ngày lịch)"),
    Setting("deadline.review_days", "5", _days, "Rút kinh nghiệm, thông báo kết luận sau hội nghị (số ngày)"),
    Setting("deadline.review_unit", "working", _choice("working", "calendar"), "Đơn vị của thời hạn thông báo kết luận"),
    Setting("deadline.answer_days", "15", _days, "Trả lời bằng văn bản sau hội nghị (số ngày)"),
    Setting("deadline.answer_unit", "working", _choice("working", "calendar"), "Đơn vị của thời hạn trả lời"),
    Setting("deadline.complex_answer_days", "30", _days, "Trả lời vụ việc phức tạp sau hội nghị (số ngày)"),
    Setting("deadline.complex_answer_unit", "working", _choice("working", "calendar"), "Đơn vị của thời hạn vụ việc phức tạp"),
    Setting("deadline.reopen_days", "15", _days, "Trả lời lại kiến nghị đã mở lại, tính từ ngày mở lại (số ngày)"),
    Setting("deadline.reopen_unit", "working", _choice("working", "calendar"), "Đơn vị của thời hạn trả lời lại"),
]
BY_KEY = {s.key: s for s in SETTINGS}
INTERNAL_PREFIXES = ("calendar.", "seed.")


def get_all(db) -> dict[str, str]:
    values = {s.key: s.default for s in SETTINGS}
    values.update({r["key"]: r["value"] for r in db.query("SELECT key, value FROM settings")})
    return values


def get(db, key: str) -> str:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row:
        return row[0]
    return BY_KEY[key].default if key in BY_KEY else ""


def put(db, key: str, value: str) -> None:
    """Write without validation (internal keys). Caller holds the transaction."""
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def set_value(db, key: str, value: str) -> tuple[str, str]:
    """Validate and store one user setting; returns (old, new). Caller holds the transaction."""
    setting = BY_KEY.get(key)
    if setting is None:
        raise DoithoaiError(
            f"Không có thiết lập '{key}'.",
            "Xem danh sách bằng `doithoai config show`.",
        )
    new = setting.check(value)
    old = get(db, key)
    if new != old:
        put(db, key, new)
        log_event(db, "config.set", "settings", None, {key: old}, {key: new})
    return old, new


def is_initialised(db) -> bool:
    return bool(get(db, "unit.name"))


def require_initialised(db) -> None:
    if not is_initialised(db):
        raise DoithoaiError(
            "Cơ sở dữ liệu chưa được khởi tạo cho đơn vị nào.",
            "Chạy `doithoai init --unit \"Tên đơn vị\" --level xa|huyen|tinh` trước.",
        )
