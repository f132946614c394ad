"""`doithoai init` and `doithoai config`: the unit and its deadline rules."""

from __future__ import annotations

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
    from doithoai.text import clean

    db = open_db(create=True)
    with transaction(db):
        settings.initialise(db, unit=unit, level=level.value, superior=superior, escalate_to=escalate_to, parent=parent,
                            place=place, symbol=symbol, style=style.value if style else None,
                            signer_on_behalf=signer_on_behalf, signer_title=signer_title, signer_name=signer_name)
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
    emit(rows, [Col("key", "Khóa", "code", priority=10), Col("value", "Giá trị"), Col("default", "Mặc định"), Col("description", "Ý nghĩa", max_width=60)], fmt.value,
         limit=limit, select=select, out_path=output)


@app.command("set")
def set_(key: Annotated[str, typer.Argument(help="Khóa thiết lập, xem `config show`.")],
         value: Annotated[str, typer.Argument(help="Giá trị mới.")]) -> None:
    """Đổi một thiết lập. Đổi quy tắc thời hạn sẽ tính lại mọi thời hạn còn mở và in những thời hạn thay đổi."""
    from doithoai.db import transaction
    from doithoai.recompute import change_setting

    db = open_db()
    with transaction(db):
        _old, new, moved = change_setting(db, key, value)
    info(f"{key} = {new}")  # a confirmation, silenced by -q
    if moved is not None:
        print_moved(moved)
