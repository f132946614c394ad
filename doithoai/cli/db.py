"""`doithoai db`: where the database is."""

from __future__ import annotations

import typer

from doithoai.cli._options import db_path
from doithoai.cli._output import out

app = typer.Typer(no_args_is_help=True, help="Tệp cơ sở dữ liệu.")


@app.command("path")
def path() -> None:
    """In đường dẫn tệp cơ sở dữ liệu đang dùng (--db, $DOITHOAI_DB, hoặc mặc định)."""
    out(str(db_path()))
