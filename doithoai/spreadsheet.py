"""Spreadsheet output shared by reports and dossiers: XLSX and CSV that Excel opens safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from doithoai.text import printable


def neutralise(value: Any) -> Any:
    """Spreadsheet formula injection: a text cell starting with = + - @ is made literal."""
    if isinstance(value, str):
        value = printable(value.replace("\r\n", "\n"))  # controls shown as escapes; Excel refuses most
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def xlsx_bytes(sheets: list[tuple[str, list, list[dict]]]) -> bytes:
    """A workbook with frozen headers, sensible widths, Vietnamese headers and no live formulas.
    Columns are objects with .key, .header and .kind ('date' cells get a DD/MM/YYYY format)."""
    buf = io.BytesIO()
    write_xlsx(buf, sheets)
    return buf.getvalue()


WIDTH_SAMPLE = 500  # rows looked at to size the columns (write-only sheets fix widths up front)


def write_xlsx(target, sheets) -> int:
    """xlsx_bytes, streamed: openpyxl's write-only mode writes each row as it comes, so memory
    stays flat whatever the row count. Rows may be any iterable. Returns the rows written."""
    import itertools

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    written = 0
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title[:31])
        rows = iter(rows)
        head = list(itertools.islice(rows, WIDTH_SAMPLE))
        wrap = set()
        for i, c in enumerate(columns, start=1):
            longest = max([len(c.header), *(len(str(r.get(c.key) or "")) for r in head)])
            letter = _column_letter(i)
            ws.column_dimensions[letter].width = min(max(8, longest + 2), 60)
            if longest > 60:
                wrap.add(c.key)
        ws.freeze_panes = "A2"
        bold, centred = Font(bold=True), Alignment(vertical="center", wrap_text=True)
        header = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=c.header)
            cell.font, cell.alignment = bold, centred
            header.append(cell)
        ws.append(header)
        top = Alignment(wrap_text=True, vertical="top")
        styled = [c.kind == "date" or c.key in wrap for c in columns]
        for r in itertools.chain(head, rows):
            values = []
            for c, style in zip(columns, styled):
                v = r.get(c.key)
                if c.kind == "date" and v:
                    v = dt.date.fromisoformat(str(v)[:10])
                v = neutralise(v)
                if style:
                    cell = WriteOnlyCell(ws, value=v)
                    if c.kind == "date":
                        cell.number_format = "DD/MM/YYYY"
                    if c.key in wrap:
                        cell.alignment = top
                    v = cell
                values.append(v)
            ws.append(values)
            written += 1
    wb.save(target)
    return written


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def csv_text(columns: list, rows: list[dict]) -> str:
    """CSV with a BOM (Excel then reads UTF-8 Vietnamese) and neutralised formulas; dates ISO."""
    buf = io.StringIO()
    write_csv(buf, columns, rows)
    return buf.getvalue()


def write_csv(stream, columns: list, rows) -> int:
    """csv_text, streamed to a text stream row by row. Returns the rows written."""
    writer = csv.writer(stream, lineterminator="\r\n")
    stream.write("\ufeff")
    writer.writerow([c.header for c in columns])
    n = 0
    for r in rows:
        values = (r.get(c.key) for c in columns)
        writer.writerow(["" if v is None else neutralise(v.isoformat() if isinstance(v, dt.date) else v) for v in values])
        n += 1
    return n
