"""`doithoai agency`: the agencies that answer petitions."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import (
    ColumnsOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    complete_agency,
    group,
    open_db,
)
from doithoai.cli._output import Col, emit, info

app = group("Cơ quan, đơn vị được giao trả lời kiến nghị.")
COLUMNS = [
    Col("code", "Mã", "code", priority=10), Col("name", "Tên cơ quan, đơn vị", priority=9), Col("kind", "Loại", priority=2),
    Col("email", "Thư điện tử", priority=4), Col("head", "Thủ trưởng", priority=3),
    Col("aliases", "Tên gọi khác", table=False), Col("active", "Hoạt động", "bool", priority=5),
    Col("head_email", "Thư thủ trưởng", table=False),
]
CodeArg = Annotated[str, typer.Argument(help="Mã cơ quan, ví dụ TNMT.", autocompletion=complete_agency)]


class Level(str, Enum):
    xa = "xa"
    tinh = "tinh"


@app.command("add")
def add(
    code: CodeArg,
    name: Annotated[str, typer.Argument(help="Tên đầy đủ.")],
    kind: Annotated[str, typer.Option("--kind", help="Loại: chuyên môn, sở ngành, đoàn thể…")] = "",
    email: Annotated[str, typer.Option("--email", help="Thư điện tử nhận văn bản đôn đốc.")] = "",
    head: Annotated[str, typer.Option("--head", help="Họ tên, chức vụ thủ trưởng.")] = "",
    aliases: Annotated[str, typer.Option("--aliases", help="Tên gọi khác, viết tắt (TN&MT…), cách nhau bởi dấu phẩy.")] = "",
) -> None:
    """Thêm một cơ quan, đơn vị."""
    from doithoai import agencies
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        row = agencies.add(db, code, name, kind, email, head, aliases)
    info(f"Đã thêm cơ quan {row['code']} — {row['name']}.")


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Gồm cả cơ quan đã ngừng.")] = False,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Liệt kê các cơ quan, đơn vị."""
    from doithoai import agencies

    emit([dict(a) for a in agencies.list_all(open_db(), include_inactive=all_)], COLUMNS, fmt.value, limit=limit, select=select,
         out_path=output, noun="cơ quan",
         empty="Chưa có cơ quan nào. Thêm bằng `doithoai agency add` hoặc `doithoai agency preset xa|tinh`.")


@app.command("edit")
def edit(
    code: CodeArg,
    name: Annotated[str | None, typer.Option("--name", help="Tên mới.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Loại cơ quan mới.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Thư điện tử nhận đôn đốc.")] = None,
    head: Annotated[str | None, typer.Option("--head", help="Người đứng đầu.")] = None,
    aliases: Annotated[str | None, typer.Option("--aliases", help="Tên viết tắt, tên khác (phân cách bằng dấu phẩy); thay toàn bộ.")] = None,
    head_email: Annotated[str | None, typer.Option("--head-email", help="Thư điện tử của thủ trưởng: nhận thư đôn đốc khi đã nhắc nhiều lần.")] = None,
) -> None:
    """Sửa thông tin một cơ quan."""
    from doithoai import agencies
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        row = agencies.edit(db, code, name=name, kind=kind, email=email, head=head, aliases=aliases, head_email=head_email)
    info(f"Đã sửa cơ quan {row['code']}.")


@app.command("deactivate")
def deactivate(
    code: CodeArg,
    reassign_to: Annotated[str | None, typer.Option("--reassign-to", help="Cơ quan nhận lại các kiến nghị đang xử lý.", metavar="CODE")] = None,
) -> None:
    """Ngừng một cơ quan (giữ lịch sử; không giao việc mới được nữa). Còn kiến nghị đang xử lý thì cần --reassign-to."""
    from doithoai import agencies
    from doithoai.cli._options import today
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        row = agencies.set_active(db, code, False, reassign_to=reassign_to, today=today(None))
    moved = row["reassigned"]
    info(f"Đã ngừng cơ quan {row['code']}." + (f" {len(moved)} kiến nghị đang xử lý đã giao lại cho {reassign_to} "
                                              f"(giữ nguyên hạn): {', '.join(map(str, moved))}." if moved else ""))


@app.command("activate")
def activate(code: CodeArg) -> None:
    """Cho một cơ quan đã ngừng hoạt động trở lại."""
    from doithoai import agencies
    from doithoai.cli._options import today
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        row = agencies.set_active(db, code, True, today=today(None))
    info(f"Cơ quan {row['code']} hoạt động trở lại.")


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="Tệp .csv hoặc .xlsx có cột Mã, Tên cơ quan (và Loại, Email, Thủ trưởng).")]) -> None:
    """Nhập danh sách cơ quan từ CSV/XLSX; mã đã có thì cập nhật. Có lỗi thì không ghi gì."""
    from doithoai import agencies
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        result = agencies.import_file(db, file)
    info(f"Đã nhập {file}: thêm {result['added']}, cập nhật {result['updated']}, không đổi {result['unchanged']}.")


@app.command("preset")
def preset(level: Annotated[Level, typer.Argument(help="xa (cấp xã) hoặc tinh (cấp tỉnh).")]) -> None:
    """Thêm danh sách cơ quan mẫu cho cấp xã hoặc cấp tỉnh (sửa được sau)."""
    from doithoai import agencies
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        added, kept = agencies.preset(db, level.value)
    info(f"Đã thêm {added} cơ quan mẫu cấp {level.value}; {kept} mã đã có được giữ nguyên.")
