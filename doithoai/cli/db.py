"""`doithoai db`: where the database is, and keeping it safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import db_path, group, open_db
from doithoai.cli._output import info, out

app = group("Tệp cơ sở dữ liệu: vị trí, sao lưu, kiểm tra, khôi phục.")


@app.command("path")
def path() -> None:
    """In đường dẫn tệp cơ sở dữ liệu đang dùng (--db, $DOITHOAI_DB, hoặc mặc định)."""
    out(str(db_path()))


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(help="Tệp sao lưu mới (chỉ chủ sở hữu đọc được).")]) -> None:
    """Sao lưu trực tuyến: bản sao nhất quán kể cả khi đang có người dùng hoặc cron ghi."""
    from doithoai import maintenance

    result = maintenance.backup(open_db(), file)
    info(f"Đã sao lưu {db_path()} vào {result['target']} ({result['bytes']:,} byte).")


@app.command("check")
def check() -> None:
    """Kiểm tra tệp: toàn vẹn, tham chiếu, phiên bản lược đồ, tính liên tục của nhật ký."""
    from doithoai import maintenance
    from doithoai.errors import DoithoaiError

    problems = maintenance.check(open_db())
    if problems:
        raise DoithoaiError("Tệp cơ sở dữ liệu có vấn đề:\n  " + "\n  ".join(problems),
                            "Khôi phục từ bản sao lưu gần nhất (`doithoai db restore TỆP --force`) "
                            "và báo cho người quản trị; giữ nguyên tệp hiện tại để điều tra.")
    info(f"{db_path()}: không phát hiện vấn đề.")


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="Tệp sao lưu.")],
    force: Annotated[bool, typer.Option("--force", help="Thay tệp đang dùng (tệp cũ được giữ lại bên cạnh).")] = False,
) -> None:
    """Khôi phục từ bản sao lưu; không ghi đè nếu thiếu --force, và luôn giữ lại tệp bị thay."""
    from doithoai import maintenance

    result = maintenance.restore(file, db_path(), force)
    info(f"Đã khôi phục {result['target']} từ {file}."
         + (f" Tệp cũ giữ tại {result['aside']}." if result["aside"] else ""))
