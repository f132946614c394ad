"""`doithoai import`: the import batches, and undoing one imported by mistake."""

from __future__ import annotations

from typing import Annotated

import typer

from doithoai.cli._options import (
    ColumnsOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    SessionFilterOpt,
    group,
    open_db,
)
from doithoai.cli._output import Col, emit, info, warn

app = group("Các lô nhập kiến nghị: xem danh sách, hủy một lô nhập nhầm.")


@app.command("list")
def list_(
    session: SessionFilterOpt = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Các lô đã nhập: khi nào, tệp nào, vào cuộc đối thoại nào, bao nhiêu dòng, ai nhập."""
    from doithoai import corrections

    rows = corrections.batches(open_db(), session)
    for r in rows:
        r["when"] = r["created_at"][:16].replace("T", " ")  # UTC, to the minute
        r["state_label"] = "đã hủy" if r["undone_at"] else ""  # the reason: -f json / csv (undo_reason)
    emit(rows, [Col("id", "Lô", "int"), Col("when", "Lúc nhập"), Col("created_at", "Thời điểm", table=False),
                Col("file", "Tệp"), Col("sheet", "Trang", table=False), Col("session", "Cuộc ĐT", "code"),
                Col("rows_read", "Đọc", "int", table=False), Col("rows_new", "Mới", "int"),
                Col("rows_present", "Đã có", "int", table=False), Col("rows_duplicate", "Nghi trùng", "int"),
                Col("rows_rejected", "Lỗi", "int", table=False), Col("petitions", "Còn", "int"), Col("user", "Người nhập"),
                Col("state", "Trạng thái", table=False), Col("undone_at", "Lúc hủy", table=False),
                Col("undo_reason", "Lý do hủy", table=False), Col("state_label", "Ghi chú")], fmt.value, empty="Chưa nhập lô nào.",
         limit=limit, select=select, out_path=output, noun="lô")


@app.command("undo")
def undo(
    batch: Annotated[int, typer.Argument(help="Số lô (xem `doithoai import list`).", metavar="LÔ")],
    reason: Annotated[str, typer.Option("--reason", help="Vì sao hủy (ví dụ: nhập nhầm cuộc đối thoại).")] = "",
) -> None:
    """Hủy một lô nhập nhầm: bỏ các kiến nghị của lô (vẫn giữ trong lịch sử) khi chưa kiến nghị nào được xử lý; nhập lại tệp được."""
    from doithoai import corrections
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        r = corrections.undo_import(db, batch, reason=reason)
    info(f"Đã hủy lô {r['id']} ({r['file']}, cuộc đối thoại {r['session']}): bỏ {r['removed']} kiến nghị. "
         "Các kiến nghị này chuyển sang trạng thái đã rút (vẫn giữ trong lịch sử); có thể nhập lại tệp (đã sửa) vào đúng cuộc đối thoại.")
    for d in r["documents"]:
        warn(f"Văn bản {d['kind']} số {d['number_text'] or '(chưa số)'} của cuộc đối thoại {r['session']} đã ban hành "
             f"khi còn các kiến nghị này ({d['path']}); tạo lại bằng `doithoai doc {d['kind']} …`.")
