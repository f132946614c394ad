"""Hard limits for hostile spreadsheets and Word forms, checked before and while parsing.

A 4.9 KB .xlsx can declare a 5 GB sheet; openpyxl in normal mode builds every cell in memory.
So: the zip's table of contents is checked before any XML is parsed (number of parts,
declared uncompressed size of each part, compression ratio) — zipfile never inflates a part
beyond its declared size, so the declared sizes bound the work — and the sheet is streamed
(openpyxl read-only) with limits on rows, columns, cell length and merged ranges. A file over
a limit is refused at once, naming the limit and the figure found.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from doithoai.errors import DoithoaiError
from doithoai.text import vn_number

MAX_PARTS = 500                    # files inside the zip
MAX_SHEET_BYTES = 200 * 1024 ** 2  # a worksheet part, uncompressed (streamed)
MAX_PART_BYTES = 32 * 1024 ** 2    # any other part (shared strings, styles… are loaded whole)
MAX_TOTAL_BYTES = 400 * 1024 ** 2  # all parts together, uncompressed
MAX_RATIO = 200                    # uncompressed / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 ** 2
MAX_ROWS = 200_000                 # a petition import; a commune's dialogue has hundreds
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767            # Excel's own limit for one cell
MAX_MERGED_RANGES = 10_000
MAX_MERGED_CELLS = 100_000         # cells covered by all merged ranges together

HINT = ("Tệp này vượt giới hạn an toàn của doithoai (có thể là tệp hỏng hoặc tệp độc hại). "
        "Mở bằng Excel/Word, chép riêng phần dữ liệu kiến nghị sang tệp mới rồi nhập lại.")


def refuse(path, limit: str, found: str) -> DoithoaiError:
    return DoithoaiError(f"{path}: từ chối đọc — vượt giới hạn {limit} (tệp có {found}).", HINT)


def check_zip(path: Path) -> None:
    """The zip's table of contents, before any parser sees it."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # the reader reports a damaged or unreadable file in its own words
    if len(infos) > MAX_PARTS:
        raise refuse(path, f"số phần trong tệp nén ({vn_number(MAX_PARTS)})", f"{vn_number(len(infos))} phần")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        is_sheet = info.filename.startswith("xl/worksheets/")  # streamed; a .docx body is parsed whole
        cap = MAX_SHEET_BYTES if is_sheet else MAX_PART_BYTES
        if size > cap:
            raise refuse(path, f"kích thước giải nén của một phần ({cap // 1024 ** 2} MB)",
                         f"'{info.filename}' {vn_number(round(size / 1024 ** 2))} MB khi giải nén")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(path, f"tỉ lệ nén ({MAX_RATIO}:1)",
                         f"'{info.filename}' nén {vn_number(size // max(info.compress_size, 1))}:1")
    if total > MAX_TOTAL_BYTES:
        raise refuse(path, f"tổng kích thước giải nén ({MAX_TOTAL_BYTES // 1024 ** 2} MB)", f"{vn_number(round(total / 1024 ** 2))} MB")


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def scan_sheets(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """scan_sheet() for every worksheet part, before openpyxl opens the file (its read-only mode
    parses a whole sheet just to size it when the sheet declares no dimension)."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    return {part: scan_sheet(path, part) for part in parts}


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def scan_sheet(path: Path, part: str) -> list[tuple[int, int, int, int]]:
    """One byte scan of the streamed sheet part, before it is parsed: the number of rows (so a
    file with too many is refused in a second, not after validating 200,000 of them) and the
    merged ranges (min_row, min_col, max_row, max_col), which read-only openpyxl does not expose."""
    ranges: list[tuple[int, int, int, int]] = []
    covered = rows = 0
    tail = b""
    with zipfile.ZipFile(path) as z, z.open(part) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            rows += chunk.count(b"<row ") + chunk.count(b"<row>") + chunk.count(b":row ")
            if rows > MAX_ROWS:
                raise refuse(path, f"số dòng ({vn_number(MAX_ROWS)})", f"hơn {vn_number(MAX_ROWS)} dòng")
            last_end = 0
            for m in _MERGE.finditer(data):
                c1, r1, c2, r2 = _col(m.group(1)), int(m.group(2)), _col(m.group(3)), int(m.group(4))
                r1, r2 = min(r1, r2), max(r1, r2)
                c1, c2 = min(c1, c2), max(c1, c2)
                ranges.append((r1, c1, r2, c2))
                covered += (r2 - r1 + 1) * (c2 - c1 + 1)
                last_end = m.end()
                if len(ranges) > MAX_MERGED_RANGES:
                    raise refuse(path, f"số vùng ô gộp ({vn_number(MAX_MERGED_RANGES)})", f"hơn {vn_number(MAX_MERGED_RANGES)} vùng")
                if covered > MAX_MERGED_CELLS:
                    raise refuse(path, f"số ô nằm trong vùng gộp ({vn_number(MAX_MERGED_CELLS)})", f"hơn {vn_number(covered)} ô")
            tail = data[max(last_end, len(data) - 256):]
    return ranges


def check_row(path: Path, row_number: int, values: list) -> list:
    """One streamed row: trailing empty cells dropped, then rows, columns and cell length bounded."""
    if row_number > MAX_ROWS:
        raise refuse(path, f"số dòng ({vn_number(MAX_ROWS)})", f"dòng số {vn_number(row_number)}")
    while values and values[-1] is None:
        values.pop()
    if len(values) > MAX_COLUMNS:
        raise refuse(path, f"số cột ({MAX_COLUMNS})", f"{vn_number(len(values))} cột ở dòng {vn_number(row_number)}")
    for i, v in enumerate(values):
        if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
            raise refuse(path, f"độ dài một ô ({vn_number(MAX_CELL_CHARS)} ký tự)",
                         f"{vn_number(len(v))} ký tự ở dòng {vn_number(row_number)}, cột {i + 1}")
    return values


def precheck(paths) -> None:
    """Before the write lock is taken: every file readable, and every zip-based file (xlsx, docx)
    within the limits — a hostile file is refused without ever blocking another writer."""
    for path in paths:
        path = Path(path)
        try:
            with open(path, "rb"):
                pass
        except OSError as e:
            raise DoithoaiError(f"{path}: không mở được tệp để đọc ({e.strerror}).",
                                "Kiểm tra quyền đọc của tệp (và của thư mục chứa nó), hoặc chép tệp sang chỗ khác.") from None
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".docx"):
            check_zip(path)
        if suffix in (".xlsx", ".xlsm"):
            scan_sheets(path)
