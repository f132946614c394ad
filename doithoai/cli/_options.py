"""Shared options as Annotated aliases, and the per-invocation state (database, quiet, today).

The state of one invocation lives in the Click context (`ctx.obj`, an `Invocation`), never in
module globals: two invocations in one process (tests, a script calling the app twice) share
nothing. `Context` records which context is running so that `open_db()` and `info()` find it
without every command taking a `ctx` parameter.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, overload

import typer

from doithoai.cli._help import Formatter


@dataclass
class Invocation:
    db: str | None = None  # --db as given
    quiet: bool = False  # --quiet
    connection: Any = None  # the invocation's one open database


_running: ContextVar[Context | None] = ContextVar("doithoai_context", default=None)


class Context(typer.Context):
    formatter_class = Formatter

    def __enter__(self):
        self._tokens = [*getattr(self, "_tokens", []), _running.set(self)]
        return super().__enter__()

    def __exit__(self, *exc):
        try:
            return super().__exit__(*exc)
        finally:
            _running.reset(self._tokens.pop())


def invocation() -> Invocation:
    """This invocation's state; outside any command (a service test) a default one."""
    ctx = _running.get()
    state = ctx.find_object(Invocation) if ctx is not None else None
    return state if state is not None else Invocation()


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


class RecordFmt(str, Enum):  # one record (show): no CSV form, so -f csv is refused
    table = "table"
    json = "json"


class ListFmt(str, Enum):  # a listing: a table, or data for scripts and spreadsheets
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _completer(kind: str):
    """A Typer autocompletion callback offering the base's `kind` values (session, agency, petition)."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from doithoai.completion import candidates
        from doithoai.db import resolve_path

        db = ctx.find_root().params.get("db")  # --db typed earlier on the line, else $DOITHOAI_DB
        return candidates(resolve_path(db), kind, incomplete)

    complete.__name__ = f"complete_{kind}"
    return complete


complete_session = _completer("session")
complete_agency = _completer("agency")
complete_petition = _completer("petition")

FormatOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Định dạng: table | json | csv.")]
RecordFormatOpt = Annotated[RecordFmt, typer.Option("--format", "-f", help="Định dạng: table (đọc) | json (cho chương trình).")]
ListFormatOpt = Annotated[ListFmt, typer.Option(
    "--format", "-f", help="Định dạng: table (màn hình) | json (cho chương trình, mã tiếng Anh) | csv, xlsx (cho "
    "người đọc, tiêu đề và nhãn tiếng Việt; xlsx cần -o).")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp thay vì màn hình (bắt buộc với xlsx).")]
LimitOpt = Annotated[int | None, typer.Option(
    "--limit", "-n", min=0, help="Chỉ N dòng đầu; 0: tất cả. Mặc định: vừa một màn hình trên terminal (dài hơn thì "
    "mở bằng $PAGER), tất cả khi ghi vào tệp hay chuyển cho lệnh khác.")]
ColumnsOpt = Annotated[str | None, typer.Option(
    "--columns", help="Chỉ các cột này, theo thứ tự: tên trường hoặc tiêu đề cột, cách nhau bằng dấu phẩy "
    "(ví dụ \"id,petitioner,due_on\" hoặc \"Số,Người kiến nghị,Hạn\").")]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Tính như thể hôm nay là ngày này (YYYY-MM-DD hoặc DD/MM/YYYY).")]
SessionOpt = Annotated[str, typer.Option("--session", "-s", help="Số thứ tự hoặc mã cuộc đối thoại.",
                                         autocompletion=complete_session)]
SessionFilterOpt = Annotated[str | None, typer.Option("--session", "-s", help="Chỉ cuộc đối thoại này.",
                                                      autocompletion=complete_session)]

def db_path():
    """The base this invocation uses: a SQLite file path, or a PostgreSQL URL (to open it;
    show it with shown_db_path, which hides a password)."""
    from doithoai.db import resolve_path

    return resolve_path(invocation().db)


def shown_db_path() -> str:
    path = db_path()
    if isinstance(path, str):
        from doithoai.dialect import mask_url

        return mask_url(path)
    return str(path)


def open_db(create: bool = False):
    """The invocation's one connection (a second connection in the same process would share
    its POSIX locks; one is also faster), closed when the invocation's context closes."""
    from doithoai.base import open_base

    state = invocation()
    path = db_path()
    current = state.connection
    if current is not None and getattr(current, "url", current.path) == path:
        return current
    if current is not None:
        current.conn.close()
    state.connection = open_base(path, create=create)
    ctx = _running.get()
    if ctx is not None:
        ctx.find_root().call_on_close(state.connection.conn.close)
    return state.connection


def offers(option: str, value: str | None = None) -> bool:
    """The running command takes `option` (and, given `value`, that among its choices): a
    note names only what the person can type. True outside a command."""
    ctx = _running.get()
    if ctx is None or ctx.command is None:
        return True
    for param in ctx.command.params:
        if option in getattr(param, "opts", ()):
            return value is None or value in getattr(param.type, "choices", (value,))
    return False


def today(as_of: str | None = None) -> dt.date:
    if as_of:
        from doithoai.text import parse_date

        return parse_date(as_of, "ngày --as-of")
    return dt.date.today()


@overload
def as_date(value: str, what: str = ...) -> dt.date: ...
@overload
def as_date(value: None, what: str = ...) -> None: ...
@overload
def as_date(value: str | None, what: str = ...) -> dt.date | None: ...
def as_date(value: str | None, what: str = "ngày") -> dt.date | None:
    if value is None:
        return None
    from doithoai.text import parse_date

    return parse_date(value, what)
