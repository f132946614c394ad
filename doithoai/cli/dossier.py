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
    public: Annotated[bool, typer.Option("--public", help="Bản công khai: không tên, điện thoại, địa chỉ, số CCCD (kể cả trong nội dung), không nhật ký; "
                                        "văn bản là bản đã ban hành được che thông tin; quét lại trước khi ghi.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Xuất hồ sơ: mọi văn bản, kiến nghị và các bước xử lý (XLSX, CSV), nhật ký, manifest.json với sha256."""
    from doithoai.cli._output import progress
    from doithoai.documents import dossier

    with progress("Đang xuất hồ sơ"):
        result = dossier.export(open_db(), session, output, as_of=today(as_of), public=public)
    info(f"Đã xuất hồ sơ{' công khai (đã che thông tin cá nhân)' if public else ''}: {result['target']} "
         f"({result['files']} tệp).")
    for note in result["notes"]:
        info(f"  {note}")


@app.command("check-public")
def check_public(
    target: Annotated[Path, typer.Argument(help="Thư mục hoặc tệp .zip cần kiểm tra trước khi công bố.", metavar="DIR_OR_ZIP")],
) -> None:
    """Quét một thư mục hoặc tệp .zip (cả bên trong .docx, .xlsx) tìm thông tin cá nhân của người kiến nghị có trong
    cơ sở dữ liệu, số điện thoại, số CCCD, thư điện tử, số nhà; thoát với mã 1 nếu còn."""
    from doithoai.documents import dossier
    from doithoai.errors import DoithoaiError

    found = dossier.check_public(open_db(), target)
    if found:
        listed = "\n  ".join(map(str, found[:50])) + (f"\n  … và {len(found) - 50} chỗ khác" if len(found) > 50 else "")
        raise DoithoaiError(f"{target} còn {len(found)} thông tin cá nhân:\n  {listed}",
                            "Không công bố; xuất lại bằng `doithoai dossier export … --public` hoặc sửa các tệp đã nêu.")
    info(f"{target}: không thấy thông tin cá nhân nào của người kiến nghị.")
