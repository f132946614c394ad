"""Tabular files as people really save them, streamed row by row.

CSV: UTF-8 with or without BOM, UTF-16 (Excel "Unicode text"), Windows-1258; the delimiter
is sniffed (`;` from Excel on a Vietnamese-locale Windows, tabs from "Unicode text").
XLSX: openpyxl; merged cells carry their value into every cell they cover.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Iterator

from doithoai.errors import DoithoaiError

Row = tuple[int, list]  # (1-based row number in the file, cell values)
SNIFF_BYTES = 1 << 16


def detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def read_csv(path: Path) -> Iterator[Row]:
    try:
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as e:
        raise DoithoaiError(f"{path}: không mở được tệp ({e.strerror}).", "Kiểm tra đường dẫn và quyền đọc.") from None
    if not head.strip():
        raise DoithoaiError(f"{path}: tệp rỗng.", "Chọn đúng tệp đã điền dữ liệu.")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DoithoaiError(f"{path}: không phải tệp văn bản CSV (có byte nhị phân).",
                            "Lưu lại từ Excel bằng \"CSV UTF-8\" hoặc dùng tệp .xlsx.")
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="ignore")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 50)[0] if "\n" not in sample else "\n".join(sample.splitlines()[:20]),
                                      delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    f = open(path, "r", encoding=encoding, newline="", errors="strict")
    try:
        reader = csv.reader(f, delimiter=delimiter)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as e:
                raise DoithoaiError(f"{path}:{reader.line_num + 1}: không giải mã được ký tự ({e.reason}).",
                                    "Lưu lại tệp bằng bảng mã UTF-8 (Excel: \"CSV UTF-8\").") from None
            except csv.Error as e:
                raise DoithoaiError(f"{path}:{reader.line_num}: dòng CSV hỏng ({e}).",
                                    "Kiểm tra dấu ngoặc kép trong ô.") from None
            yield reader.line_num, values
    finally:
        f.close()


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[Row]:
    import zipfile

    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as e:
        raise DoithoaiError(f"{path}: không đọc được tệp Excel ({type(e).__name__}: {e}).",
                            "Tệp có thể bị hỏng hoặc không phải .xlsx; mở bằng Excel và lưu lại dạng .xlsx.") from None
    except Exception as e:  # openpyxl raises many kinds on damaged files
        raise DoithoaiError(f"{path}: tệp Excel hỏng hoặc không đúng định dạng ({type(e).__name__}).",
                            "Mở bằng Excel và lưu lại dạng .xlsx.") from None
    if sheet:
        if sheet not in wb.sheetnames:
            raise DoithoaiError(f"{path}: không có trang tính '{sheet}'.", f"Các trang tính: {', '.join(wb.sheetnames)}.")
        ws = wb[sheet]
    else:
        ws = wb.worksheets[0]
    merged: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = value
    for row in ws.iter_rows():
        values = []
        for cell in row:
            key = (cell.row, cell.column)
            values.append(merged.get(key, cell.value))
        if row:
            yield row[0].row, values


def read_table(path: Path, sheet: str | None = None) -> Iterator[Row]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    raise DoithoaiError(f"{path}: không hỗ trợ định dạng '{suffix or '(không có đuôi)'}'.",
                        "Dùng tệp .csv hoặc .xlsx.")


def find_header(rows: Iterator[Row], synonyms: dict[str, str], required: tuple[str, ...], path: Path,
                scan: int = 30) -> tuple[int, dict[int, str], Iterator[Row]]:
    """Find the header row below any title rows: the first row where cells name ≥ 2 known
    columns. Returns (row number, {column index: field}, the remaining rows)."""
    from doithoai.text import fold

    seen = 0
    for number, values in rows:
        seen += 1
        mapping: dict[int, str] = {}
        for idx, value in enumerate(values):
            key = fold(value).strip(" :*")
            if key in synonyms and synonyms[key] not in mapping.values():
                mapping[idx] = synonyms[key]
        if len(mapping) >= 2:
            missing = [f for f in required if f not in mapping.values()]
            if missing:
                raise DoithoaiError(
                    f"{path}:{number}: thiếu cột bắt buộc: {', '.join(missing)}.",
                    "Thêm cột đó vào dòng tiêu đề, hoặc chỉ rõ bằng --map \"Tên cột=trường\".",
                )
            return number, mapping, rows
        if seen >= scan:
            break
    raise DoithoaiError(
        f"{path}: không tìm thấy dòng tiêu đề cột trong {scan} dòng đầu.",
        "Dòng tiêu đề cần có các cột như: " + ", ".join(sorted(set(synonyms))[:12]) + ".",
    )
