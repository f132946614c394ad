"""The one output helper: a rich table on a terminal, JSON or CSV for scripts.

Data goes to stdout, messages to stderr. Without a terminal (cron, pipes) there is no
colour and no width truncation, and the text is UTF-8 whatever the locale says.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable

from doithoai.text import vn_date

QUIET = {"on": False}


def _utf8(stream):
    if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(encoding="utf-8")
        except Exception:  # pragma: no cover - some wrapped streams refuse
            pass
    return stream


def is_tty(stream=None) -> bool:
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def console(stderr: bool = False):
    from rich.console import Console

    stream = _utf8(sys.stderr if stderr else sys.stdout)
    tty = is_tty(stream)
    return Console(file=stream, highlight=False, no_color=not tty, force_terminal=tty,
                   width=None if tty else 100_000, soft_wrap=not tty, emoji=False)


def out(text: str = "") -> None:
    """Plain text to stdout."""
    stream = _utf8(sys.stdout)
    stream.write(text + "\n")
    stream.flush()


def err(text: str) -> None:
    stream = _utf8(sys.stderr)
    stream.write(text + "\n")
    stream.flush()


def info(text: str) -> None:
    """A message for the person at the terminal (stderr); silenced by --quiet."""
    if not QUIET["on"]:
        err(text)


def warn(text: str) -> None:
    err(f"Cảnh báo: {text}")


@dataclass
class Col:
    key: str
    header: str
    kind: str = "text"  # text | date | int | bool
    labels: dict[str, str] | None = None  # code → Vietnamese label, table only
    table: bool = True  # shown in the table (json/csv always carry it)
    max_width: int | None = None
    extra: dict = field(default_factory=dict)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _table_value(col: Col, value: Any) -> str:
    if value is None or value == "":
        return ""
    if col.kind == "date":
        return vn_date(value)
    if col.kind == "bool":
        return "✓" if value else ""
    if col.labels:
        return col.labels.get(value, str(value))
    return str(value)


def neutralise(value: Any) -> Any:
    """Spreadsheet formula injection: a text cell starting with = + - @ is made literal."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def emit(rows: Iterable[dict], columns: list[Col], fmt: str = "table", *, title: str | None = None,
         empty: str = "Không có dữ liệu.", footer: str | None = None) -> None:
    rows = list(rows)
    if fmt == "json":
        data = [{c.key: _json_value(r.get(c.key)) for c in columns} for r in rows]
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([c.header for c in columns])
        for r in rows:
            writer.writerow([neutralise(_json_value(r.get(c.key))) if r.get(c.key) is not None else "" for c in columns])
        stream = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
        data = "\ufeff" + buf.getvalue()  # BOM: Excel then reads the file as UTF-8
        if stream is not None:
            sys.stdout.flush()
            stream.write(data.encode("utf-8"))
            stream.flush()
        else:
            sys.stdout.write(data)
        return
    if not rows:
        info(empty)
        return
    from rich.table import Table

    shown = [c for c in columns if c.table]
    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    for c in shown:
        table.add_column(c.header, justify="right" if c.kind == "int" else "left",
                         overflow="fold", max_width=c.max_width if is_tty() else None)
    for r in rows:
        table.add_row(*(_table_value(c, r.get(c.key)) for c in shown))
    con = console()
    con.print(table)
    if footer:
        con.print(footer)


def emit_record(pairs: list[tuple[str, Any]], fmt: str, data: dict | None = None) -> None:
    """One object: label/value lines for a person, the object itself for json."""
    if fmt == "json":
        out(json.dumps({k: _json_value(v) for k, v in (data or {}).items()}, ensure_ascii=False, indent=2, default=str))
        return
    width = max((len(label) for label, _ in pairs), default=0)
    for label, value in pairs:
        out(f"{label.ljust(width)} : {'' if value is None else value}")
