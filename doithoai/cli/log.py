"""`doithoai log`: the append-only event log."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from doithoai.cli._options import Fmt, FormatOpt, complete_petition, open_db
from doithoai.cli._output import Col, emit


def log(
    petition: Annotated[Optional[int], typer.Option("--petition", help="Chỉ sự kiện của kiến nghị này.", autocompletion=complete_petition)] = None,
    limit: Annotated[int, typer.Option("--limit", help="Số sự kiện gần nhất.")] = 200,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Nhật ký thay đổi (ai, khi nào, làm gì, trước/sau)."""
    from doithoai.db import recent_events

    rows = recent_events(open_db(), petition=petition, limit=limit)
    emit(rows, [Col("id", "Số", "int"), Col("at", "Thời điểm (UTC)"), Col("user", "Người dùng"), Col("action", "Việc"),
                Col("entity", "Đối tượng"), Col("entity_id", "Mã", "int"), Col("before", "Trước", max_width=40),
                Col("after", "Sau", max_width=60)], fmt.value, empty="Nhật ký trống.")
