"""`doithoai petitioner`: correcting a petitioner's record."""

from __future__ import annotations

from typing import Annotated

import typer

from doithoai.cli._options import group, open_db
from doithoai.cli._output import info, warn

app = group("Người kiến nghị: sửa họ tên, địa chỉ, số điện thoại; gộp bản ghi trùng.")
IdArg = Annotated[int, typer.Argument(help="Số người kiến nghị.", metavar="ID")]


@app.command("edit")
def edit(
    pid: IdArg,
    name: Annotated[str | None, typer.Option("--name", help="Họ tên.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Địa chỉ.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Số điện thoại.")] = None,
) -> None:
    """Sửa thông tin một người kiến nghị (áp dụng cho mọi kiến nghị của người đó)."""
    from doithoai import corrections
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        r = corrections.edit_petitioner(db, pid, name=name, address=address, phone=phone)
    info(f"Đã sửa người kiến nghị số {r['id']} ({', '.join(r['changed'])}); áp dụng cho {r['petitions']} kiến nghị.")
    for d in r["documents"]:
        warn(f"Văn bản {d['kind']} số {d['number_text'] or '(chưa số)'} đã ban hành với thông tin cũ ({d['path']}); "
             f"tạo lại bằng `doithoai doc {d['kind']} …`.")


@app.command("merge")
def merge(
    keep: Annotated[int, typer.Argument(help="Bản ghi giữ lại.", metavar="GIỮ")],
    other: Annotated[int, typer.Argument(help="Bản ghi trùng, gộp vào GIỮ.", metavar="TRÙNG")],
) -> None:
    """Gộp hai bản ghi của cùng một người: các kiến nghị của TRÙNG chuyển sang GIỮ."""
    from doithoai import corrections
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        r = corrections.merge_petitioners(db, keep, other)
    info(f"Đã gộp người kiến nghị số {r['merged']} vào số {r['id']} ({len(r['petitions_moved'])} kiến nghị chuyển sang).")
