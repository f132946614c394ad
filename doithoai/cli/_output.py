"""The one output helper: a rich table on a terminal, JSON or CSV for scripts.

Data goes to stdout, messages to stderr. Without a terminal (cron, pipes) there is no
colour and no width truncation, and the text is UTF-8 whatever the locale says.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from doithoai.fileio import write_atomic, write_stream
from doithoai.spreadsheet import csv_text, xlsx_bytes
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
    write_stream(_utf8(sys.stdout), text + "\n")


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


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


RICH_MAX_ROWS = 2000  # beyond this, or without a terminal, a plain table: fast and never truncated


def _cell_strings(col: Col, rows: list[dict]) -> list[str]:
    """One column as display strings, converted in a single pass (reports can have 100k rows)."""
    values = [r.get(col.key) for r in rows]
    if col.kind == "date":
        cache: dict = {}
        out = []
        for v in values:
            if v not in cache:
                cache[v] = vn_date(v) if v else ""
            out.append(cache[v])
        return out
    if col.kind == "bool":
        return ["✓" if v else "" for v in values]
    if col.labels:
        labels = col.labels
        return ["" if v is None or v == "" else labels.get(v, str(v)) for v in values]
    return ["" if v is None else v if isinstance(v, str) else str(v) for v in values]


def plain_table(rows: list[dict], columns: list[Col]) -> str:
    shown = [c for c in columns if c.table]
    cells = [[c.header, *_cell_strings(c, rows)] for c in shown]
    widths = [max(map(len, col)) for col in cells]
    line = "  ".join(f"{{:{'>' if c.kind == 'int' else '<'}{w}}}" for c, w in zip(shown, widths))
    rule = "  ".join("-" * w for w in widths)
    body = [line.format(*values).rstrip() for values in zip(*cells)]
    return "\n".join([body[0], rule, *body[1:]])


def emit(rows: Iterable[dict], columns: list[Col], fmt: str = "table", *, title: str | None = None,
         empty: str = "Không có dữ liệu.", footer: str | None = None, out_path=None,
         extra_sheets: list[tuple[str, list[Col], list[dict]]] = ()) -> None:
    """Rows as a table (terminal), json, csv or xlsx; to stdout, or to out_path when given."""
    rows = list(rows)
    if fmt == "xlsx":
        from doithoai.errors import DoithoaiError

        if out_path is None:
            raise DoithoaiError("Định dạng xlsx cần tệp đầu ra.", "Thêm -o TỆP.xlsx.")
        write_atomic(out_path, xlsx_bytes([(title or "Dữ liệu", columns, rows), *extra_sheets]))
        info(f"Đã ghi {len(rows)} dòng vào {out_path}.")
        return
    if fmt == "json":
        data = [{c.key: _json_value(r.get(c.key)) for c in columns} for r in rows]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = csv_text(columns, rows)
    else:
        if not rows:
            info(empty)
            if out_path is None:
                return
        if out_path is None and is_tty() and len(rows) <= RICH_MAX_ROWS:
            _rich_table(rows, columns, title, footer)
            return
        parts = [title] if title else []
        if rows:
            parts.append(plain_table(rows, columns))
        if footer:
            parts.append(footer)
        text = "\n".join(parts) + "\n"
    if out_path is not None:
        write_atomic(out_path, text.encode("utf-8"))
        info(f"Đã ghi {len(rows)} dòng vào {out_path}.")
        return
    write_stream(_utf8(sys.stdout), text)


def _rich_table(rows: list[dict], columns: list[Col], title: str | None, footer: str | None) -> None:
    from rich.table import Table

    shown = [c for c in columns if c.table]
    table = Table(title=title, header_style="bold", title_justify="left")
    for c in shown:
        table.add_column(c.header, justify="right" if c.kind == "int" else "left", overflow="fold", max_width=c.max_width)
    for values in zip(*(_cell_strings(c, rows) for c in shown)):
        table.add_row(*values)
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
