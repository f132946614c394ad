"""`doithoai init` and `doithoai config`: the unit and its deadline rules."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

import typer

from doithoai.cli._options import ColumnsOpt, LimitOpt, ListFmt, ListFormatOpt, OutputOpt, group, open_db
from doithoai.cli._output import Col, emit, info

app = group("Xem và sửa thiết lập của đơn vị và quy tắc thời hạn.")


class Level(str, Enum):
    tinh = "tinh"
    huyen = "huyen"
    xa = "xa"


class Style(str, Enum):
    party = "party"
    state = "state"


_PREFIX = re.compile(
    r"^(đảng ủy|huyện ủy|tỉnh ủy|thành ủy|ủy ban nhân dân|ubnd|hđnd)\s+(xã|phường|thị trấn|huyện|tỉnh|thành phố)?\s*",
    re.IGNORECASE,
)


def _guess_place(unit: str) -> str:
    return _PREFIX.sub("", unit).strip() or unit


def print_moved(moved: list[dict]) -> None:
    """The deadlines that a change moved, old → new (stderr: it is a message, not data)."""
    from doithoai.text import vn_date

    if not moved:
        info("Không có thời hạn nào thay đổi.")
        return
    info(f"{len(moved)} thời hạn đã thay đổi:")
    labels = {"notice_by": "hạn gửi giấy mời", "review_by": "hạn thông báo kết luận",
              "answer_due": "hạn trả lời", "complex_answer_due": "hạn trả lời vụ việc phức tạp"}
    for m in moved:
        if m["kind"] == "session":
            who = f"  Cuộc đối thoại {m['code']}: {labels[m['what']]}"
        else:
            who = f"  Kiến nghị số {m['id']}: hạn trả lời"
        info(f"{who} {vn_date(m['old'])} → {vn_date(m['new'])}")


def init(
    unit: Annotated[str, typer.Option("--unit", help="Tên đơn vị tổ chức, ví dụ \"Đảng ủy xã Khoen On\".")],
    level: Annotated[Level, typer.Option("--level", help="Cấp: tinh | huyen | xa.")] = Level.xa,
    superior: Annotated[str | None, typer.Option("--superior", help="Dòng cấp trên ở tiêu đề văn bản, ví dụ \"ĐẢNG BỘ TỈNH LAI CHÂU\" (Đảng); UBND để trống.")] = None,
    escalate_to: Annotated[str | None, typer.Option("--escalate-to", help="Cơ quan cấp trên nhận kiến nghị vượt thẩm quyền, ví dụ \"Tỉnh ủy Lai Châu\".")] = None,
    parent: Annotated[str | None, typer.Option("--parent", hidden=True, help="Cũ: như --escalate-to; dòng cấp trên ở tiêu đề suy ra từ đó.")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Địa danh ghi trên văn bản (mặc định lấy từ tên đơn vị).")] = None,
    symbol: Annotated[str | None, typer.Option("--symbol", help="Ký hiệu văn bản: ĐU, HU, UBND…")] = None,
    style: Annotated[Style | None, typer.Option("--style", help="Thể thức văn bản: party (Đảng) | state (Nhà nước).")] = None,
    signer_on_behalf: Annotated[str | None, typer.Option("--signer-on-behalf", help="Ví dụ \"T/M BAN THƯỜNG VỤ\" hoặc \"TM. ỦY BAN NHÂN DÂN\".")] = None,
    signer_title: Annotated[str | None, typer.Option("--signer-title", help="Chức vụ người ký, ví dụ \"PHÓ BÍ THƯ\".")] = None,
    signer_name: Annotated[str | None, typer.Option("--signer-name", help="Họ tên người ký.")] = None,
) -> None:
    """Khởi tạo (hoặc cập nhật) cơ sở dữ liệu cho một đơn vị. Chạy lại không mất dữ liệu."""
    from doithoai import settings
    from doithoai.db import transaction
    from doithoai.text import clean, fold

    db = open_db(create=True)
    party_like = fold(unit).startswith(("dang uy", "huyen uy", "tinh uy", "thanh uy")) or fold(symbol or "") in ("du", "hu", "tu")
    chosen_style = style.value if style else settings.get(db, "unit.style") if settings.is_initialised(db) else ("party" if party_like else "state")
    values = {
        "unit.name": unit,
        "unit.level": level.value,
        "unit.escalate_to": escalate_to or parent,
        "unit.superior": superior if superior is not None else (
            settings.superior_from(parent, chosen_style) if parent and not settings.get(db, "unit.superior") else None),
        "unit.place": place or (None if settings.get(db, "unit.place") else _guess_place(clean(unit))),
        "unit.symbol": symbol or (None if settings.get(db, "unit.symbol") else ("ĐU" if chosen_style == "party" else "UBND")),
        "unit.style": chosen_style,
        "unit.signer_on_behalf": signer_on_behalf or (None if settings.get(db, "unit.signer_on_behalf") else
                                                      ("T/M BAN THƯỜNG VỤ" if chosen_style == "party" else "TM. ỦY BAN NHÂN DÂN")),
        "unit.signer_title": signer_title,
        "unit.signer_name": signer_name,
    }
    with transaction(db):
        for key, value in values.items():
            if value is not None:
                settings.set_value(db, key, value)
    info(f"Đã khởi tạo cơ sở dữ liệu cho {clean(unit)}: {db.path}")
    info("Tiếp theo: thêm cơ quan (`doithoai agency preset xa|tinh` hoặc `agency add`), "
         "rồi tạo cuộc đối thoại (`doithoai session create --commune … --date …`).")


@app.command("show")
def show(limit: LimitOpt = None, select: ColumnsOpt = None, fmt: ListFormatOpt = ListFmt.table,
         output: OutputOpt = None) -> None:
    """Liệt kê thiết lập của đơn vị và quy tắc thời hạn."""
    from doithoai import settings

    db = open_db()
    values = settings.get_all(db)
    rows = [{"key": s.key, "value": values[s.key], "default": s.default, "description": s.label} for s in settings.SETTINGS]
    emit(rows, [Col("key", "Khóa"), Col("value", "Giá trị"), Col("default", "Mặc định"), Col("description", "Ý nghĩa", max_width=60)], fmt.value,
         limit=limit, select=select, out_path=output)


@app.command("set")
def set_(key: Annotated[str, typer.Argument(help="Khóa thiết lập, xem `config show`.")],
         value: Annotated[str, typer.Argument(help="Giá trị mới.")]) -> None:
    """Đổi một thiết lập. Đổi quy tắc thời hạn sẽ tính lại mọi thời hạn còn mở và in những thời hạn thay đổi."""
    from doithoai import settings
    from doithoai.db import transaction
    from doithoai.recompute import open_deadlines

    db = open_db()
    with transaction(db):
        old, new = settings.set_value(db, key, value)
        moved = open_deadlines(db) if key.startswith("deadline.") and old != new else []
    info(f"{key} = {new}")  # a confirmation, silenced by -q
    if key.startswith("deadline."):
        print_moved(moved)
