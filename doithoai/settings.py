"""Unit settings and deadline rules, stored as key/value rows in `settings`.

Everything that differs between units — names, level, place, symbol, signer, and the
deadline rules of the province's regulation — is data here, never code (DESIGN.md §4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from doithoai.db import log_event
from doithoai.errors import DoithoaiError, fix
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


def _date_or_empty(value: str) -> str:
    import datetime as dt

    value = clean(value)
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise DoithoaiError(f"Ngày '{value}' không hợp lệ.", "Viết theo dạng YYYY-MM-DD, ví dụ 2020-10-15.") from None


def _recipients_list(value: str) -> str:
    items = [clean(x).rstrip(";.") for x in value.replace("\n", ";").split(";")]
    return "; ".join(x for x in items if x)


def _port(value: str) -> str:
    if not clean(value).isdigit() or not 1 <= int(value) <= 65535:
        raise DoithoaiError(f"Cổng '{value}' không hợp lệ.", "Nhập số từ 1 đến 65535, ví dụ 587 (STARTTLS) hoặc 465 (SSL).")
    return str(int(value))


def _addresses(value: str) -> str:
    """One or more e-mail addresses, comma-separated (empty allowed)."""
    import re

    items = [clean(x) for x in clean(value).replace(";", ",").split(",") if clean(x)]
    for item in items:
        if not re.match(r"^[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+$", item):
            raise DoithoaiError(f"Địa chỉ thư điện tử '{item}' không hợp lệ.",
                                "Ví dụ: vanphong@laichau.gov.vn; nhiều địa chỉ cách nhau bằng dấu phẩy.")
    return ", ".join(items)


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    check: Callable[[str], str]
    label: str


SETTINGS = [
    Setting("unit.name", "", _text, "Tên đơn vị tổ chức (ví dụ: Huyện ủy Than Uyên)"),
    Setting("unit.level", "xa", _choice("tinh", "huyen", "xa"), "Cấp: tinh | huyen | xa"),
    Setting("unit.superior", "", _text, "Dòng cấp trên ở tiêu đề văn bản (Đảng: ĐẢNG BỘ TỈNH LAI CHÂU; Nhà nước: "
            "cơ quan chủ quản nếu có, UBND để trống)"),
    Setting("unit.escalate_to", "", _text, "Cơ quan cấp trên nhận kiến nghị vượt thẩm quyền (ví dụ: Tỉnh ủy Lai Châu)"),
    Setting("unit.place", "", _text, "Địa danh ghi trên văn bản (ví dụ: Than Uyên)"),
    Setting("unit.symbol", "", _text, "Ký hiệu văn bản (ví dụ: HU, ĐU, UBND)"),
    Setting("unit.style", "state", _choice("party", "state"), "Thể thức văn bản: party (Đảng) | state (Nhà nước)"),
    Setting("unit.signer_on_behalf", "", _text, "Quyền hạn ký (ví dụ: T/M BAN THƯỜNG VỤ, TM. ỦY BAN NHÂN DÂN); "
            "nhiều dòng ngăn bằng ' / ', ví dụ 'TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH'"),
    Setting("unit.signer_title", "", _text, "Chức vụ người ký (ví dụ: PHÓ BÍ THƯ, PHÓ CHỦ TỊCH)"),
    Setting("unit.signer_name", "", _text, "Họ tên người ký"),
    Setting("unit.office", "", _text, "Cơ quan tham mưu, theo dõi (mặc định: Văn phòng + tên đơn vị)"),
    Setting("doc.template_dir", "", _text, "Thư mục mẫu văn bản riêng của đơn vị (ưu tiên hơn mẫu có sẵn)"),
    Setting("doc.number_format", "", _text, "Dạng số văn bản, ví dụ {number}-{type}/{symbol} (Đảng) hoặc {number}/{type}-{symbol} (Nhà nước)"),
    Setting("doc.letter_number_format", "", _text, "Dạng số công văn, ví dụ {number}-CV/{symbol} hoặc {number}/{symbol}-VP"),
    Setting("doc.term_start", "", _date_or_empty, "Văn bản Đảng: ngày bắt đầu nhiệm kỳ cấp ủy (YYYY-MM-DD); số văn bản "
            "chạy liên tục trong nhiệm kỳ. Để trống: đánh lại từ đầu mỗi năm"),
    Setting("doc.numbering", "per-type", _choice("per-type", "shared"), "Đánh số: per-type (riêng từng loại) | shared (chung mọi loại)"),
    Setting("remind.interval_days", "5", _days, "Nhắc lại một kiến nghị sau ít nhất số ngày làm việc này"),
    Setting("remind.escalate_after", "2", _days, "Sau số lần nhắc này, văn bản đôn đốc gửi thủ trưởng, đồng gửi người chủ trì"),
    Setting("remind.due_soon_days", "3", _days, "Báo trước cho cơ quan các kiến nghị sắp đến hạn trong số ngày làm việc này"),
    Setting("remind.milestone_days", "3", _days, "Nhắc Văn phòng các mốc của cuộc đối thoại sắp đến hạn trong số ngày làm việc này"),
    Setting("mail.host", "", _text, "Máy chủ gửi thư SMTP (ví dụ: mail.laichau.gov.vn)"),
    Setting("mail.port", "587", _port, "Cổng SMTP: 587 (STARTTLS), 465 (SSL), 25"),
    Setting("mail.security", "starttls", _choice("starttls", "ssl", "none"), "Mã hóa: starttls | ssl | none"),
    Setting("mail.user", "", _text, "Tài khoản đăng nhập SMTP (để trống nếu máy chủ không yêu cầu)"),
    Setting("mail.password_file", "", _text, "Tệp chứa mật khẩu SMTP, chỉ chủ sở hữu được đọc (chmod 600); hoặc đặt biến môi trường DOITHOAI_MAIL_PASSWORD"),
    Setting("mail.sender", "", _addresses, "Địa chỉ người gửi (From)"),
    Setting("mail.reply_to", "", _addresses, "Địa chỉ nhận thư trả lời (Reply-To)"),
    Setting("mail.office", "", _addresses, "Thư của Văn phòng: nhận nhắc việc nội bộ (kiến nghị chưa giao, mốc cuộc đối thoại) và bản tóm tắt hằng ngày"),
    Setting("mail.chair", "", _addresses, "Thư của văn phòng người chủ trì: đồng gửi khi đôn đốc vượt remind.escalate_after lần"),
    Setting("mail.pdf", "auto", _choice("auto", "no"), "Đính kèm cả bản PDF (auto: khi có LibreOffice) | no"),
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
# Recipient lists ("Nơi nhận") a unit edits once; items separated by ';'. The archive line
# ("Lưu: VT" / "Lưu Văn phòng …") is added by the tool, and the unit itself is never listed.
RECIPIENT_DEFAULTS = {
    "plan": "Thường trực cấp ủy; Thường trực HĐND; Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội; "
            "Các cơ quan, đơn vị liên quan",
    "invitation": "Như trên",
    "conclusions": "Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội (để giám sát); Các cơ quan, đơn vị được giao",
    "report": "Ban Dân vận; Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội",
    "reminder": "Như trên",
    "transfer": "Như trên; Ủy ban MTTQ Việt Nam (để giám sát)",
    "escalation": "Như trên; Ủy ban MTTQ Việt Nam (để giám sát)",
    "notice": "Như trên; Ủy ban MTTQ Việt Nam (để giám sát)",
}
SETTINGS += [Setting(f"doc.recipients.{kind}", default, _recipients_list,
                     f"Nơi nhận của {label} (ngăn bằng dấu ;)")
             for kind, default, label in [
                 ("plan", RECIPIENT_DEFAULTS["plan"], "kế hoạch"),
                 ("invitation", RECIPIENT_DEFAULTS["invitation"], "giấy mời"),
                 ("conclusions", RECIPIENT_DEFAULTS["conclusions"], "thông báo kết luận"),
                 ("report", RECIPIENT_DEFAULTS["report"], "báo cáo kết quả"),
                 ("reminder", RECIPIENT_DEFAULTS["reminder"], "văn bản đôn đốc"),
                 ("transfer", RECIPIENT_DEFAULTS["transfer"], "công văn chuyển kiến nghị"),
                 ("escalation", RECIPIENT_DEFAULTS["escalation"], "văn bản trình cấp trên"),
                 ("notice", RECIPIENT_DEFAULTS["notice"], "thông báo cho người kiến nghị")]]
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
    if key == "unit.parent":  # one setting that served two purposes, split by migration m007
        raise DoithoaiError("Thiết lập 'unit.parent' đã được tách làm hai.",
                            "Dùng `unit.superior` (dòng cấp trên ở tiêu đề văn bản, ví dụ \"ĐẢNG BỘ TỈNH LAI CHÂU\") "
                            "và `unit.escalate_to` (cơ quan nhận kiến nghị vượt thẩm quyền).")
    if setting is None:
        raise DoithoaiError(
            f"Không có thiết lập '{key}'.",
            fix=fix("config.show"),
        )
    from doithoai.text import refuse_control

    refuse_control(str(value), f"Thiết lập {key}")
    new = setting.check(value)
    old = get(db, key)
    if new != old:
        put(db, key, new)
        log_event(db, "config.set", "settings", None, {key: old}, {key: new})
    return old, new


def superior_from(parent: str, style: str) -> str:
    """The header line above the issuing committee, from the name of the superior committee:
    "Tỉnh ủy Lai Châu" → "ĐẢNG BỘ TỈNH LAI CHÂU". A state body (UBND) shows no superior."""
    parent = clean(parent)
    if style != "party" or not parent:
        return ""
    words = parent.split()
    levels = {"tinh uy": "TỈNH", "huyen uy": "HUYỆN", "thanh uy": "THÀNH PHỐ", "thi uy": "THỊ XÃ", "dang uy": ""}
    level = levels.get(fold(" ".join(words[:2])))
    if level is None or len(words) < 3:
        return parent.upper()
    return " ".join(x for x in ("ĐẢNG BỘ", level, " ".join(words[2:]).upper()) if x)


_PREFIX = re.compile(
    r"^(đảng ủy|huyện ủy|tỉnh ủy|thành ủy|ủy ban nhân dân|ubnd|hđnd)\s+(xã|phường|thị trấn|huyện|tỉnh|thành phố)?\s*",
    re.IGNORECASE,
)


def initialise(db, *, unit: str, level: str, superior: str | None = None, escalate_to: str | None = None,
               parent: str | None = None, place: str | None = None, symbol: str | None = None,
               style: str | None = None, signer_on_behalf: str | None = None, signer_title: str | None = None,
               signer_name: str | None = None) -> None:
    """Set up (or update) the unit. What is not given keeps its stored value, or on a first
    run is guessed from the unit's name: a party committee (Đảng ủy, Huyện ủy…) writes in the
    party style (symbol ĐU, T/M BAN THƯỜNG VỤ), any other body in the state style (UBND,
    TM. ỦY BAN NHÂN DÂN); the place is the name without its committee. `parent` (the old
    --parent) is the superior that receives escalations, the header line derived from it.
    Caller holds the transaction."""
    party_like = fold(unit).startswith(("dang uy", "huyen uy", "tinh uy", "thanh uy")) or fold(symbol or "") in ("du", "hu", "tu")
    chosen_style = style or (get(db, "unit.style") if is_initialised(db) else ("party" if party_like else "state"))
    values = {
        "unit.name": unit,
        "unit.level": level,
        "unit.escalate_to": escalate_to or parent,
        "unit.superior": superior if superior is not None else (
            superior_from(parent, chosen_style) if parent and not get(db, "unit.superior") else None),
        "unit.place": place or (None if get(db, "unit.place") else (_PREFIX.sub("", clean(unit)).strip() or clean(unit))),
        "unit.symbol": symbol or (None if get(db, "unit.symbol") else ("ĐU" if chosen_style == "party" else "UBND")),
        "unit.style": chosen_style,
        "unit.signer_on_behalf": signer_on_behalf or (None if get(db, "unit.signer_on_behalf") else
                                                      ("T/M BAN THƯỜNG VỤ" if chosen_style == "party" else "TM. ỦY BAN NHÂN DÂN")),
        "unit.signer_title": signer_title,
        "unit.signer_name": signer_name,
    }
    for key, value in values.items():
        if value is not None:
            set_value(db, key, value)


def is_initialised(db) -> bool:
    return bool(get(db, "unit.name"))


def require_initialised(db) -> None:
    if not is_initialised(db):
        raise DoithoaiError(
            "Cơ sở dữ liệu chưa được khởi tạo cho đơn vị nào.",
            fix=fix("init"),
        )
