"""`doithoai field`: fields (lĩnh vực) of petitions."""

from __future__ import annotations

from typing import Annotated

import typer

from doithoai.cli._options import ColumnsOpt, LimitOpt, ListFmt, ListFormatOpt, OutputOpt, group, open_db
from doithoai.cli._output import Col, emit, info

app = group("Lĩnh vực của kiến nghị (đất đai, chính sách xã hội…).")
COLUMNS = [Col("code", "Mã", "code", priority=10), Col("name", "Lĩnh vực", priority=9), Col("aliases", "Tên gọi khác")]


@app.command("list")
def list_(limit: LimitOpt = None, select: ColumnsOpt = None, fmt: ListFormatOpt = ListFmt.table,
          output: OutputOpt = None) -> None:
    """Liệt kê các lĩnh vực."""
    from doithoai import fields

    emit(fields.list_all(open_db()), COLUMNS, fmt.value, limit=limit, select=select, out_path=output, noun="lĩnh vực")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Tên lĩnh vực, ví dụ \"Môi trường\".")],
    code: Annotated[str | None, typer.Option("--code", help="Mã (mặc định sinh từ tên).")] = None,
    aliases: Annotated[str, typer.Option("--aliases", help="Tên gọi khác, cách nhau bởi dấu phẩy.")] = "",
) -> None:
    """Thêm một lĩnh vực."""
    from doithoai import fields
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        row = fields.add(db, name, code, aliases)
    info(f"Đã thêm lĩnh vực {row['name']} ({row['code']}).")
