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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append([c.header for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for r in rows:
            values = []
            for c in columns:
                v = r.get(c.key)
                if c.kind == "date" and v:
                    v = dt.date.fromisoformat(str(v)[:10])
                values.append(neutralise(v))
            ws.append(values)
        for i, c in enumerate(columns, start=1):
            longest = max([len(c.header), *(len(str(r.get(c.key) or "")) for r in rows[:500])])
            letter = ws.cell(1, i).column_letter
            ws.column_dimensions[letter].width = min(max(8, longest + 2), 60)
            if c.kind == "date":
                for cell in ws[letter][1:]:
                    cell.number_format = "DD/MM/YYYY"
            if longest > 60:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    import io as _io

    buf = _io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(columns: list, rows: list[dict]) -> str:
    """CSV with a BOM (Excel then reads UTF-8 Vietnamese) and neutralised formulas; dates ISO."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for r in rows:
        values = (r.get(c.key) for c in columns)
        writer.writerow(["" if v is None else neutralise(v.isoformat() if isinstance(v, dt.date) else v) for v in values])
    return "\ufeff" + buf.getvalue()
