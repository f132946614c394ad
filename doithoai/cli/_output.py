"""The one output helper: a table fitted to the terminal, JSON, CSV or XLSX for scripts and
spreadsheets.

Data goes to stdout, messages to stderr. Without a terminal (cron, pipes) there is no colour,
no width fitting (unless $COLUMNS is set) and no row limit, and the text is UTF-8 whatever the
locale says. Control characters in the data are shown as escapes, never sent to the terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from doithoai.fileio import write_atomic, write_stream
from doithoai.text import UNSAFE_OUTPUT_CLASS, printable, vn_date


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
    _write(printable(text) + "\n")


def err(text: str) -> None:
    # What stdout holds goes first: a note after a table ("… còn 18 kiến nghị nữa") must not
    # land inside the table's last line when both reach one terminal.
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a reader gone or a full disk: reported where stdout is written
        pass
    stream = _utf8(sys.stderr)
    stream.write(printable(text) + "\n")
    stream.flush()


def info(text: str) -> None:
    """A message for the person at the terminal (stderr); silenced by --quiet."""
    if not quiet():
        err(text)


def quiet() -> bool:
    """--quiet was given to this invocation."""
    from doithoai.cli._options import invocation

    return invocation().quiet


def showing_progress() -> bool:
    """Progress is drawn on a terminal's stderr only: never in cron, pipes or under --quiet."""
    return is_tty(sys.stderr) and not quiet()


class _NoProgress:
    def __enter__(self):
        return lambda n=1: None

    def __exit__(self, *exc):
        return False


class _Progress:
    """A rich progress line on stderr that disappears when the work is done."""

    def __init__(self, label: str, unit: str | None):
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn(label)]
        if unit:
            columns += [BarColumn(), TextColumn(f"{{task.completed}} {unit}")]
        self.bar = Progress(*columns, TimeElapsedColumn(), console=console(stderr=True), transient=True)

    def __enter__(self):
        self.bar.__enter__()
        task = self.bar.add_task("", total=None)
        return lambda n=1: self.bar.advance(task, n)

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)


def progress(label: str, unit: str | None = None, enabled: bool = True):
    """`with progress("Đang nhập", "dòng") as tick:` — tick() per item; a spinner alone when unit is None."""
    return _Progress(label, unit) if enabled and showing_progress() else _NoProgress()


def warn(text: str) -> None:
    err(f"Cảnh báo: {text}")


@dataclass
class Col:
    key: str
    header: str
    kind: str = "text"  # text | date | int | bool | code (codes, like dates and numbers, never wrap)
    labels: dict[str, str] | None = None  # code → Vietnamese label (table, csv, xlsx; json keeps the code)
    table: bool = True  # shown in the table (json/csv always carry it)
    max_width: int | None = None  # set on the one long-text column: it takes what is left and wraps
    priority: int = 5  # on a narrow terminal, lower-priority text columns are hidden first
    zero_blank: bool = False  # a table shows 0 as an empty cell (json/csv/xlsx keep the 0)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _one_line(text: str) -> str:
    """A table cell: line breaks and tabs become spaces, other controls are escaped."""
    if "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    return printable(text)


def _cell_strings(col: Col, rows: list[dict]) -> list[str]:
    """One column as display strings, converted in a single pass (reports can have 100k rows)."""
    try:
        values = list(map(itemgetter(col.key), rows))
    except KeyError:  # rows without this key show it empty
        key = col.key
        values = [r.get(key) for r in rows]
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
    if col.zero_blank:
        return ["" if not v else str(v) for v in values]
    if col.labels:
        labels = col.labels
        return ["" if v is None or v == "" else labels.get(v, str(v)) for v in values]
    return ["" if v is None else v if isinstance(v, str) else str(v) for v in values]


def terminal_width() -> int | None:
    """The width to fit tables to: the terminal's, or $COLUMNS when set; None (no limit) in a pipe."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if is_tty():
        return shutil.get_terminal_size().columns
    return None


def terminal_height() -> int:
    import os
    import shutil

    lines = os.environ.get("LINES", "")
    return int(lines) if lines.isdigit() and int(lines) > 0 else shutil.get_terminal_size().lines


def _is_fixed(col: Col) -> bool:
    return col.kind in ("int", "date", "bool", "code")


def _header_width(col: Col) -> int:
    """Fixed columns may break a long header over two lines (at a space) rather than widen."""
    words = col.header.split()
    if not _is_fixed(col) or len(words) < 2:
        return len(col.header)
    return min(max(len(" ".join(words[:k])), len(" ".join(words[k:]))) for k in range(1, len(words)))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    if len(text) <= width:
        return [text]
    if lines == 2 and width > 0 and text[0] != " " and text[-1] != " " and "  " not in text:
        # the usual cell (words between single spaces, none longer than the width), as
        # textwrap would wrap it, without wrapping all of it: a report wraps 100k of these
        words = text.split(" ")
        if max(map(len, words)) <= width:
            n, k = len(words[0]), 1
            while k < len(words) and n + 1 + len(words[k]) <= width:
                n += 1 + len(words[k])
                k += 1
            rest = text[n + 1:]
            return [text[:n], rest if len(rest) <= width else _clip(rest, width)]
    return _textwrap(text, width, lines)


def _textwrap(text: str, width: int, lines: int) -> list[str]:
    import textwrap

    parts = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)
    if len(parts) > lines:
        rest = " ".join(parts[lines - 1:])
        parts = [*parts[: lines - 1], _clip(rest, width) if len(rest) > width else rest]
        if not parts[-1].endswith("…"):
            parts[-1] = _clip(parts[-1] + " …", width) if len(parts[-1]) + 2 <= width else _clip(parts[-1] + "……", width)
    return parts


MIN_WRAP = 24  # the long-text column never narrower than this (else columns are hidden)
MIN_TEXT = 12  # a shortened text column keeps at least this much (else a column is hidden)
COMFORT = 22  # other text columns give up width beyond this before the long text wraps
SEP = "  "


def _floor(col: Col, natural: int) -> int:
    """How far a text column may be shortened: names and the like (priority ≥ 8) stay readable."""
    return min(natural, 20 if col.priority >= 8 else MIN_TEXT)


def fit(columns: list[Col], cells: list[list[str]], width: int | None,
        longest: list[int] | None = None) -> tuple[list[Col], list[int], list[Col]]:
    """Column widths for a width: identifiers, dates and numbers keep their width; the long-text
    column takes what is left (wrapping to 2 lines); other text is shortened with … and, when
    still too wide, the lowest-priority columns are hidden. Returns (shown, widths, hidden)."""
    longest = longest or [max(map(len, col), default=0) for col in cells]
    full = [max(len(c.header), n) for c, n in zip(columns, longest)]
    if width is None or sum(full) + len(SEP) * (len(columns) - 1) <= width:
        return list(columns), full, []
    natural = {c.key: max(_header_width(c), n) for c, n in zip(columns, longest)}
    # too wide: columns with nothing in them go first (an empty e-mail column says nothing)
    hidden = [c for c, col in zip(columns, cells) if not any(col)]
    shown = [c for c in columns if c not in hidden] or list(columns)
    while True:
        widths = [natural[c.key] for c in shown]
        seps = len(SEP) * (len(shown) - 1)
        if width is None or sum(widths) + seps <= width:
            return shown, widths, hidden
        wrap = next((i for i, c in enumerate(shown) if c.max_width is not None), None)
        text = [i for i, c in enumerate(shown) if not _is_fixed(c) and i != wrap]
        for i in text:  # other text gives up what is beyond a comfortable width first
            widths[i] = min(widths[i], max(COMFORT, _header_width(shown[i])))
        if wrap is not None:  # the long text takes what is left
            widths[wrap] = 0
            widths[wrap] = min(natural[shown[wrap].key], width - seps - sum(widths))
            for i in text:  # and what it does not need goes back to the others
                widths[i] += min(natural[shown[i].key] - widths[i], width - seps - sum(widths))
            deficit = min(max(MIN_WRAP, width // 4), natural[shown[wrap].key]) - widths[wrap]
        else:
            for i in text:  # no long text: the others take back what fits
                widths[i] += max(min(natural[shown[i].key] - widths[i], width - seps - sum(widths)), 0)
            deficit = sum(widths) + seps - width
        while deficit > 0:  # shorten the widest text column, one character at a time
            candidates = [i for i in text if widths[i] > _floor(shown[i], natural[shown[i].key])]
            if not candidates:
                break
            widths[max(candidates, key=lambda j: widths[j])] -= 1
            deficit -= 1
            if wrap is not None:
                widths[wrap] += 1
        if deficit <= 0:
            return shown, widths, hidden
        droppable = [c for i, c in enumerate(shown) if i != wrap]
        if len(shown) <= 2 or not droppable:
            widths = [max(w, 1) for w in widths]
            return shown, widths, hidden
        victim = min(droppable, key=lambda c: (c.priority, -columns.index(c)))
        shown.remove(victim)
        hidden.append(victim)


def _header_lines(col: Col, width: int) -> list[str]:
    if len(col.header) <= width:
        return [col.header]
    words = col.header.split()
    for k in range(len(words) - 1, 0, -1):
        first, rest = " ".join(words[:k]), " ".join(words[k:])
        if len(first) <= width and len(rest) <= width:
            return [first, rest]
    return _wrap(col.header, width)


# what _one_line changes in a cell: line breaks, tabs and the controls printable() escapes
_NOT_ONE_LINE = re.compile(f"[\t\n{UNSAFE_OUTPUT_CLASS}]")  # what printable() escapes, and line breaks


def _column_cells(col: Col, rows: list[dict]) -> list[str]:
    """A column's cells as one-line display strings. A report can have 100k rows: a column
    with nothing to escape (the usual case, found by one search over the joined column) is
    taken as it is."""
    values = _cell_strings(col, rows)
    joined = " ".join(values)
    # isprintable() (in C, one pass) is False for every control and direction mark, and for a
    # few harmless characters too (no-break space): only then does the exact test run
    if joined.isprintable() or not _NOT_ONE_LINE.search(joined):
        return values
    return [_one_line(v) for v in values]


def table_blocks(rows: list[dict], columns: list[Col], width: int | None) -> tuple[list[str], list[list[str]], list[Col]]:
    """The header lines and, for each row, its lines (one, or two when the long text wraps)."""
    cells = [_column_cells(c, rows) for c in columns]
    longest = [max(map(len, col), default=0) for col in cells]
    shown, widths, hidden = fit(columns, cells, width, longest)
    index = {c.key: i for i, c in enumerate(columns)}
    shown_cells = [cells[index[c.key]] for c in shown]
    shown_longest = [longest[index[c.key]] for c in shown]
    # The common row has every cell within its column's width: one format call lays it out
    # (the same padding as layout() below). Only the columns that can overflow are looked at.
    line_of = SEP.join(f"{{:{'>' if c.kind == 'int' else '<'}{w}}}" for c, w in zip(shown, widths)).format
    overflowing = [(i, w) for i, (w, n) in enumerate(zip(widths, shown_longest)) if n > w]

    def layout(parts_per_col: list[list[str]]) -> list[str]:
        height = max(map(len, parts_per_col))
        return [line_of(*[parts[n] if n < len(parts) else "" for parts in parts_per_col]).rstrip()
                for n in range(height)]

    head = layout([_header_lines(c, w) for c, w in zip(shown, widths)])
    head.append(SEP.join("─" * w for w in widths))
    blocks = []
    if not overflowing:
        return head, [[line_of(*row).rstrip()] for row in zip(*shown_cells)], hidden
    for r, row in enumerate(zip(*shown_cells)):
        if all(len(row[i]) <= w for i, w in overflowing):
            blocks.append([line_of(*row).rstrip()])
            continue
        parts = []
        for c, w, col in zip(shown, widths, shown_cells):
            value = col[r]
            if len(value) <= w:
                parts.append([value])
            elif c.max_width is not None:
                parts.append(_wrap(value, w))
            else:
                parts.append([_clip(value, w)])
        blocks.append(layout(parts))
    return head, blocks, hidden


def plain_table(rows: list[dict], columns: list[Col], width: int | None = None) -> str:
    shown = [c for c in columns if c.table]
    head, blocks, _hidden = table_blocks(rows, shown, width)
    return "\n".join([*head, *(line for block in blocks for line in block)])


def select_columns(columns: list[Col], spec: str | None) -> list[Col]:
    """--columns "id,content,Hạn": keys or headers (without diacritics too), in the order given."""
    if not spec:
        return columns
    from doithoai.errors import DoithoaiError
    from doithoai.text import fold

    by_name: dict[str, Col] = {}
    for c in columns:
        by_name.setdefault(fold(c.key), c)
        by_name.setdefault(fold(c.header), c)
    chosen = []
    for name in (part.strip() for part in spec.split(",")):
        if not name:
            continue
        col = by_name.get(fold(name))
        if col is None:
            raise DoithoaiError(f"Không có cột '{name}'.",
                                "Các cột: " + ", ".join(f"{c.key} ({c.header})" for c in columns) + ".")
        if col not in chosen:
            chosen.append(col)
    return [Col(**{**c.__dict__, "table": True}) for c in chosen]


def _pager(text: str) -> bool:
    """Show text through $PAGER (default `less -FRX`); False when there is none to run."""
    import os
    import shlex
    import subprocess

    command = os.environ.get("PAGER", "less -FRX")
    if not command.strip() or command.strip() == "cat":
        return False
    try:
        pager = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE)
    except OSError:
        return False
    try:
        pager.communicate(text.encode("utf-8"))
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    pager.wait()
    return True


def _bold(text: str) -> str:
    import os

    return text if os.environ.get("NO_COLOR") else f"\x1b[1m{text}\x1b[0m"


def _table_text(rows: list[dict], columns: list[Col], *, title: str | None, footer: str | None,
                limit: int | None, noun: str, total: int | None = None) -> tuple[str, list[str]]:
    """The table as a person reads it: fitted to the terminal, one screen by default. `total`:
    how many rows there are when `rows` holds only the first screen's."""
    width = terminal_width()
    tty = is_tty()
    shown = [c for c in columns if c.table]
    # lay out only what can be shown: the first `limit` rows, or one screen (a row is ≥ 1 line)
    screen = max(terminal_height(), 10) if limit is None and tty else None
    head, blocks, hidden = table_blocks(rows[: limit or screen or len(rows)], shown, width)
    if limit is None and tty:  # one screen's worth
        # the screen less the header, title, footer, the notes below (2 lines each) and the prompt
        room = max(terminal_height() - len(head) - (2 if title else 0) - (2 if footer else 0)
                   - 2 * (1 + bool(hidden)) - 1, 5)
        used, limit = 0, 0
        for block in blocks:
            if used + len(block) > room:
                break
            used += len(block)
            limit += 1
    import itertools

    lines = [printable(title), ""] if title else []
    if tty:
        head = [_bold(line) for line in head[:-1]] + head[-1:]
    lines += head
    lines.extend(itertools.chain.from_iterable(blocks[:limit] if limit else blocks))
    notes = []
    count = len(rows) if total is None else total
    from doithoai.cli._options import offers

    if limit and count > limit:
        ways = _ways("thêm --limit 0 để xem hết" if offers("--limit") else None, "hoặc", "xem hết bằng")
        notes.append(f"… còn {count - limit} {noun} nữa" + (f" ({ways})" if ways else "") + ".")
    if hidden:
        ways = _ways("chọn cột bằng --columns" if offers("--columns") else None, "xem đủ bằng", "xem đủ bằng")
        notes.append("Ẩn bớt cột vì màn hình hẹp: " + ", ".join(c.header for c in hidden)
                     + (f" ({ways})" if ways else "") + ".")
    if footer:
        lines += ["", printable(footer)]
    return "\n".join(lines) + "\n", notes


def _ways(first: str | None, then: str, alone: str) -> str:
    """How to see the rest, naming only options the running command has: `first`, then the
    export that shows everything (a workbook when -o takes one, else csv on stdout)."""
    from doithoai.cli._options import offers

    if offers("--output") and offers("--format", "xlsx"):
        export = "-f xlsx -o TỆP.xlsx"
    elif offers("--format", "csv"):
        export = "-f csv"
    else:
        return first or ""
    return f"{first}, {then} {export}" if first else f"{alone} {export}"


def _wrapped(text: str) -> str:
    """A message wrapped at word boundaries to the terminal's width (not mid-word by the terminal)."""
    import textwrap

    width = terminal_width() if is_tty(sys.stderr) else None
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) if width else text


def emit(rows: Iterable[dict], columns: list[Col], fmt: str = "table", *, title: str | None = None,
         empty: str = "Không có dữ liệu.", footer: str | None = None, out_path=None,
         extra_sheets: Sequence[tuple[str, list[Col], list[dict]]] = (), limit: int | None = None,
         select: str | None = None, noun: str = "dòng") -> None:
    """Rows as a table (terminal), json, csv or xlsx; to stdout, or to out_path when given.

    `select` is --columns (keys or headers); `limit` is --limit (0: all; None: one screen's
    worth on a terminal, all elsewhere). json, csv and xlsx are written as the rows come (rows
    may be a cursor-backed iterator): memory stays flat whatever the number of rows."""
    columns = select_columns(columns, select)
    if out_path is not None:
        fmt = format_for(out_path, fmt)
    if fmt in ("json", "csv", "xlsx"):
        if limit:
            import itertools

            rows = itertools.islice(rows, limit)
        _emit_stream(rows, columns, fmt, title, out_path, extra_sheets)
        return
    total = None
    if out_path is None and limit is None and is_tty() and hasattr(rows, "__len__") and not isinstance(rows, list):
        # a terminal shows one screen: rows that know their number are read no further
        import itertools

        total = len(rows)  # type: ignore[arg-type]
        rows = list(itertools.islice(rows, max(terminal_height(), 10)))
    else:
        rows = list(rows)
    asked = limit is not None  # --limit given: the person wants that many, paged when longer than the screen
    if out_path is not None:
        rows = rows[:limit] if limit else rows
    elif limit is None and not is_tty():
        limit = 0
    if not rows:
        info(empty)
        if out_path is None:
            return
    if out_path is None:
        text, notes = _table_text(rows, columns, title=title, footer=footer, limit=limit, noun=noun, total=total)
        if not (asked and is_tty() and text.count("\n") > terminal_height() - 2 and _pager(text)):
            _write(text)
        for note in notes:
            info(_wrapped(note))
        return
    parts = [printable(title)] if title else []
    if rows:
        parts.append(plain_table(rows, columns))
    if footer:
        parts.append(printable(footer))
    write_atomic(out_path, ("\n".join(parts) + "\n").encode("utf-8"))
    info(f"Đã ghi {len(rows)} dòng vào {out_path}.")

def _labelled_rows(rows: Iterable[dict], columns: list[Col]) -> Iterable[dict]:
    """Rows for people (csv, xlsx): codes replaced by their Vietnamese labels, one row at a time."""
    labelled = [c for c in columns if c.labels]
    if not labelled:
        yield from rows
        return
    for r in rows:
        r = dict(r)
        for c in labelled:
            v = r.get(c.key)
            if v is not None and v != "":
                r[c.key] = (c.labels or {}).get(v, v)
        yield r


def _write_json(stream, rows: Iterable[dict], columns: list[Col]) -> int:
    """A JSON array with one object per line, written row by row."""
    keys = [c.key for c in columns]
    dumps = json.JSONEncoder(ensure_ascii=False, default=_json_value).encode
    n = 0
    for r in rows:
        stream.write(("[\n" if n == 0 else ",\n") + printable_json(dumps({k: r.get(k) for k in keys})))
        n += 1
    stream.write("[]\n" if n == 0 else "\n]\n")
    return n


_SUFFIX_FORMATS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json"}


def format_for(out_path, fmt: str) -> str:
    """The format a file -o names by its ending: `-o báo-cáo.xlsx` without -f is a workbook (a
    text table in a file Excel cannot open helps no one); an ending that contradicts -f is refused."""
    from pathlib import Path

    suffix = Path(str(out_path)).suffix.lower()
    wanted = _SUFFIX_FORMATS.get(suffix)
    if wanted is None or wanted == fmt:
        return fmt
    if fmt == "table":
        return wanted
    from doithoai.errors import DoithoaiError

    raise DoithoaiError(f"Tệp {out_path} có đuôi {suffix} nhưng định dạng đã chọn là {fmt}.",
                        f"Dùng -f {wanted}, hoặc đặt tên tệp có đuôi .{fmt}.")


def _emit_stream(rows, columns, fmt, title, out_path, extra_sheets) -> None:
    import io

    from doithoai.fileio import atomic_file
    from doithoai.spreadsheet import write_csv, write_xlsx

    if fmt == "xlsx":
        from doithoai.errors import DoithoaiError

        if out_path is None:
            raise DoithoaiError("Định dạng xlsx cần tệp đầu ra.", "Thêm -o TỆP.xlsx.")
        with progress(f"Đang ghi {out_path}"), atomic_file(out_path) as f:
            n = write_xlsx(f, [(title or "Dữ liệu", columns, _labelled_rows(rows, columns)),
                               *((t, c, _labelled_rows(r, c)) for t, c, r in extra_sheets)])
        n -= sum(len(s[2]) for s in extra_sheets)
        info(f"Đã ghi {n} dòng vào {out_path}.")
        return
    if fmt == "json":
        write = _write_json
    else:
        def write(stream, rows, columns):
            return write_csv(stream, columns, _labelled_rows(rows, columns))
    if out_path is not None:
        with atomic_file(out_path) as f:
            text = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=False)
            n = write(text, rows, columns)
            text.flush()
            text.detach()
        info(f"Đã ghi {n} dòng vào {out_path}.")
        return
    stream = _utf8(sys.stdout)
    try:
        if hasattr(stream, "buffer"):
            stream.flush()
            text = io.TextIOWrapper(stream.buffer, encoding="utf-8", newline="", write_through=False)
            try:
                write(text, rows, columns)
                text.flush()
            finally:
                text.detach()
        else:  # a captured stream (tests): already text
            write(stream, rows, columns)
        stream.flush()
    except BrokenPipeError:
        reader_gone()


def _write(text: str) -> None:
    """All of text to stdout (write_stream loops over short writes); a reader gone is not an error."""
    try:
        write_stream(_utf8(sys.stdout), text)
    except BrokenPipeError:
        reader_gone()


def reader_gone() -> None:
    """The reader of stdout left (`| head`): the rest of the output goes nowhere, quietly, and the
    command carries on to its own exit code (3 for --fail-on-overdue, say)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file descriptor (a test's captured stream)
        pass


_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable_json(text: str) -> str:
    """JSON escapes C0 itself; C1 and bidirectional controls are written as \\uXXXX too."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit_record(pairs: list[tuple[str, Any]], fmt: str, data: dict | None = None) -> None:
    """One object: label/value lines for a person, the object itself for json."""
    if fmt == "json":
        out(json.dumps({k: _json_value(v) for k, v in (data or {}).items()}, ensure_ascii=False, indent=2, default=str))
        return
    import textwrap

    if fmt == "csv":
        from doithoai.errors import DoithoaiError

        raise DoithoaiError("Lệnh này không có dạng CSV.", "Dùng -f json (cho chương trình) hoặc bỏ -f (xem trên màn hình).")
    width = max((len(label) for label, _ in pairs), default=0)
    total = terminal_width()
    indent = " " * (width + 3)
    for label, value in pairs:
        text = "" if value is None else str(value)
        lines = text.splitlines() or [""]
        if total and total - len(indent) >= 20:
            lines = [wrapped for line in lines
                     for wrapped in (textwrap.wrap(line, total - len(indent), break_on_hyphens=False) or [""])]
        out(f"{label.ljust(width)} : {lines[0]}" + "".join(f"\n{indent}{line}" for line in lines[1:]))
