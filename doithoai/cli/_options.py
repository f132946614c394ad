"""Shared options as Annotated aliases, and the per-invocation context (database, today)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Optional

import typer


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _group_callback() -> None:
    pass


def group(help: str) -> typer.Typer:
    """A command group: plain help (no rich at start-up), no shell-completion options. The
    callback keeps a one-command group (dossier export) a group rather than collapsing it."""
    return typer.Typer(no_args_is_help=True, help=help, rich_markup_mode=None, add_completion=False,
                       callback=_group_callback)


FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Định dạng: table | json | csv.")]
AsOfOpt = Annotated[Optional[str], typer.Option("--as-of", help="Tính như thể hôm nay là ngày này (YYYY-MM-DD hoặc DD/MM/YYYY).")]
SessionOpt = Annotated[str, typer.Option("--session", "-s", help="Số thứ tự hoặc mã cuộc đối thoại.")]

STATE: dict = {"db": None, "open": None}


def db_path():
    from doithoai.db import resolve_path

    return resolve_path(STATE["db"])


def open_db(create: bool = False):
    """The invocation's one connection (a second connection in the same process would share
    its POSIX locks; one is also faster). The root callback resets it for every invocation."""
    from doithoai.db import connect

    path = db_path()
    current = STATE["open"]
    if current is not None and current.path == path:
        return current
    STATE["open"] = connect(path, create=create)
    return STATE["open"]


def today(as_of: str | None = None) -> dt.date:
    if as_of:
        from doithoai.text import parse_date

        return parse_date(as_of, "ngày --as-of")
    return dt.date.today()


def as_date(value: str | None, what: str = "ngày") -> dt.date | None:
    if value is None:
        return None
    from doithoai.text import parse_date

    return parse_date(value, what)
