"""`doithoai demo`: the main job on built-in sample data."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli import _options
from doithoai.cli._output import info, out


def demo(
    directory: Annotated[Path | None, typer.Argument(help="Thư mục tạo dữ liệu mẫu (mặc định một thư mục tạm mới).", metavar="DIR")] = None,
    as_of: _options.AsOfOpt = None,
) -> None:
    """Tạo bộ dữ liệu mẫu (đối thoại xã Khoen On 2023), rồi in tổng quan và danh sách quá hạn."""
    import tempfile

    from doithoai import demo as sample
    from doithoai import petition_listing, reports, sessions, statuses
    from doithoai.cli._output import emit
    from doithoai.cli.petitions import columns
    from doithoai.cli.sessions import _print_session
    directory = directory or Path(tempfile.mkdtemp(prefix="doithoai-demo-"))
    path = sample.build(directory)
    _options.invocation().db = str(path)
    as_of_date = _options.today(as_of) if as_of else sample.AS_OF
    db = _options.open_db()
    s = sessions.get(db, "2023-KHOENON")
    out(f"Bộ dữ liệu mẫu: {path}")
    out(f"Tình hình tính đến ngày {as_of_date.strftime('%d/%m/%Y')}.")
    out("")
    _print_session(s, "table")
    out("")
    rows = petition_listing.list_rows(db, as_of=as_of_date, session=s["code"])
    by_status: dict[str, int] = {}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    out("Kiến nghị: " + ", ".join(f"{statuses.LABELS[k]} {v}" for k, v in by_status.items()) + f" (tổng {len(rows)})")
    out("")
    overdue = reports.overdue(db, as_of_date, session=s["code"])
    out(f"Kiến nghị quá hạn chưa trả lời: {len(overdue)}")
    emit(overdue, [c for c in columns() if c.key in ("lead_agency", "id", "petitioner", "field", "content", "due_on",
                                                     "days_overdue")], "table", empty="Không có kiến nghị quá hạn.")
    exe, day = _executable(), as_of_date.isoformat()
    first = overdue[0]["id"] if overdue else 1
    info("\nThử tiếp (chép và chạy từng dòng):\n"
         f"  export DOITHOAI_DB={shlex.quote(str(path))}\n"
         f"  {exe} petition list --search \"dat dai\" --as-of {day}\n"
         f"  {exe} petition show {first} --as-of {day}\n"
         f"  {exe} report overdue --as-of {day}\n"
         f"  {exe} report summary --as-of {day}")


def _executable() -> str:
    """How to run doithoai again from the same shell: its name when PATH finds this very program,
    else its absolute path (a venv not activated), or `python -m doithoai` when run that way."""
    import os
    import shutil
    import sys

    argv0 = sys.argv[0] if sys.argv else ""
    if not argv0 or argv0.endswith(".py") or os.path.basename(argv0) != "doithoai":
        return f"{shlex.quote(sys.executable)} -m doithoai"
    found = shutil.which("doithoai")
    here = os.path.realpath(shutil.which(argv0) or argv0)
    if found and os.path.realpath(found) == here:
        return "doithoai"
    return shlex.quote(os.path.abspath(argv0))
