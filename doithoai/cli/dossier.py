"""`doithoai dossier`: archive or hand over the whole dossier of a session."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import AsOfOpt, complete_session, group, open_db, today
from doithoai.cli._output import info

app = group("Hồ sơ cuộc đối thoại: văn bản, dữ liệu, nhật ký, mã băm.")


@app.command("export")
def export(
    session: Annotated[str, typer.Argument(help="Số hoặc mã cuộc đối thoại.", metavar="SESSION", autocompletion=complete_session)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Thư mục mới, hoặc tệp .zip.")],
    public: Annotated[bool, typer.Option("--public", help="Che thông tin cá nhân để công khai (tên viết tắt, ẩn điện thoại, địa chỉ).")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Xuất hồ sơ: mọi văn bản, kiến nghị và các bước xử lý (XLSX, CSV), nhật ký, manifest.json với sha256."""
    from doithoai.documents import dossier

    from doithoai.cli._output import progress

    with progress("Đang xuất hồ sơ"):
        result = dossier.export(open_db(), session, output, as_of=today(as_of), public=public)
    info(f"Đã xuất hồ sơ{' công khai (đã che thông tin cá nhân)' if public else ''}: {result['target']} "
         f"({result['files']} tệp).")
    for note in result["notes"]:
        info(f"  {note}")
