"""Tabular files as people really save them, streamed row by row.

CSV: UTF-8 with or without BOM, UTF-16 (Excel "Unicode text"), Windows-1258; the delimiter
is sniffed (`;` from Excel on a Vietnamese-locale Windows, tabs from "Unicode text").
XLSX: openpyxl; merged cells carry their value into every cell they cover.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path

from doithoai.errors import DoithoaiError, fix
from doithoai.text import vn_number

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


class NoTable(DoithoaiError):
    """A sheet without a header row or without data: skipped when other sheets have petitions."""


def read_csv(path: Path, info: dict | None = None) -> Iterator[Row]:
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
        dialect = csv.Sniffer().sniff("\n".join(sample.splitlines()[:20]), delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    if info is not None:
        info["delimiter"] = delimiter
    text_file = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115 -- closed in the finally below
    try:
        reader = csv.reader(text_file, delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as e:
                raise DoithoaiError(f"{path}:{reader.line_num + 1}: không giải mã được ký tự ({e.reason}).",
                                    "Lưu lại tệp bằng bảng mã UTF-8 (Excel: \"CSV UTF-8\").") from None
            except csv.Error as e:
                if "field larger" in str(e):
                    raise DoithoaiError(
                        f"{path}:{reader.line_num}: ô quá lớn (hơn {vn_number(csv.field_size_limit())} ký tự); "
                        "thường do thiếu dấu ngoặc kép đóng hoặc dán nhầm cả tệp vào một ô.",
                        "Mở tệp bằng Excel, kiểm tra ô ở dòng đã nêu; nội dung kiến nghị nên tóm tắt dưới 20.000 ký tự.",
                    ) from None
                raise DoithoaiError(f"{path}:{reader.line_num}: dòng CSV hỏng ({e}).",
                                    "Kiểm tra dấu ngoặc kép trong ô.") from None
            if info is not None:
                info["end"] = reader.line_num
            yield start, values
    finally:
        text_file.close()


def open_workbook(path: Path):
    """The workbook, streamed (openpyxl read-only) after the limits of importing/limits.py are
    checked, with each sheet's merged ranges found by that check (read-only openpyxl does not
    expose them): use with `sheet_rows`, and close it when done."""
    import zipfile

    from doithoai.importing import limits

    limits.check_zip(path)  # before any XML is parsed
    scanned = limits.scan_sheets(path)  # rows and merged ranges, before openpyxl sizes a sheet
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as e:
        raise DoithoaiError(f"{path}: không đọc được tệp Excel ({type(e).__name__}: {e}).",
                            "Tệp có thể bị hỏng hoặc không phải .xlsx; mở bằng Excel và lưu lại dạng .xlsx.") from None
    except Exception as e:  # openpyxl raises many kinds on damaged files
        raise DoithoaiError(f"{path}: tệp Excel hỏng hoặc không đúng định dạng ({type(e).__name__}).",
                            "Mở bằng Excel và lưu lại dạng .xlsx.") from None
    wb.doithoai_merged = scanned
    wb.doithoai_path = path
    return wb


def sheet_rows(wb, ws) -> Iterator[Row]:
    """One sheet's rows, streamed; merged cells carry the top-left value into every cell they cover."""
    from doithoai.importing import limits

    path = wb.doithoai_path
    ranges = wb.doithoai_merged.get(ws._worksheet_path.lstrip("/"), [])
    by_row: dict[int, list[int]] = {}
    for i, (r1, _c1, r2, _c2) in enumerate(ranges):
        for r in range(r1, r2 + 1):
            by_row.setdefault(r, []).append(i)
    top_left: dict[int, object] = {}
    ws.reset_dimensions()  # a declared dimension of XFD1048576 must not pad every row
    try:
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            values = list(row)
            for i in by_row.get(number, ()):
                r1, c1, _r2, c2 = ranges[i]
                if number == r1:
                    top_left[i] = values[c1 - 1] if c1 <= len(values) else None
                if len(values) < c2:
                    values.extend([None] * (c2 - len(values)))
                for c in range(c1, c2 + 1):
                    values[c - 1] = top_left.get(i)
            values = limits.check_row(path, number, values)
            if values:
                yield number, values
    except DoithoaiError:
        raise
    except Exception as e:  # streamed XML: a damaged part shows only when it is reached
        raise DoithoaiError(f"{path}: tệp Excel hỏng hoặc không đúng định dạng ({type(e).__name__}).",
                            "Mở bằng Excel và lưu lại dạng .xlsx.") from None


def _pick_sheet(wb, path: Path, sheet: str):
    if sheet not in wb.sheetnames:
        raise DoithoaiError(f"{path}: không có trang tính '{sheet}'.", f"Các trang tính: {', '.join(wb.sheetnames)}.")
    return wb[sheet]


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[Row]:
    wb = open_workbook(path)
    try:
        yield from sheet_rows(wb, _pick_sheet(wb, path, sheet) if sheet else wb.worksheets[0])
    finally:
        wb.close()


def read_table(path: Path, sheet: str | None = None) -> Iterator[Row]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    raise DoithoaiError(f"{path}: không hỗ trợ định dạng '{suffix or '(không có đuôi)'}'.",
                        "Dùng tệp .csv hoặc .xlsx.")


def find_header(rows: Iterator[Row], synonyms: dict[str, str], required: tuple[str, ...], path: Path,
                labels: dict[str, str] | None = None, scan: int = 30, mergeable: tuple[str, ...] = (),
                where: str = "") -> tuple[int, dict[int, str], dict[int, str], Iterator[Row]]:
    """Find the header row below any title rows: the first row where cells name ≥ 2 known
    columns. Returns (row number, {column index: field}, {column index: header text}, rows left).
    Two columns for one field are refused naming both, except the `mergeable` fields (their
    columns are all kept, to be joined in order by the caller). A header below the first `scan`
    rows is refused: the rows above it would be read as nothing."""
    from doithoai.importing.headers import FIELDS, column_letter, header_key
    from doithoai.text import normalise as clean  # headers are matched, not stored

    names = labels or FIELDS
    where = where or str(path)
    seen = 0
    for number, values in rows:
        seen += 1
        mapping: dict[int, str] = {}
        headers: dict[int, str] = {}
        for idx, value in enumerate(values):
            key = header_key(value)
            if key in synonyms:
                mapping[idx] = synonyms[key]
                headers[idx] = clean(value)
        if len({f for f in mapping.values() if f != "skip"}) >= 2:
            if number > scan:
                raise DoithoaiError(
                    f"{where}:{number}: dòng tiêu đề cột nằm ở dòng {number}, dưới {scan} dòng đầu; "
                    f"{number - 1} dòng phía trên nó sẽ không được đọc.",
                    f"Xóa các dòng thừa phía trên dòng tiêu đề (dòng 1–{number - 1}) hoặc tách thành tệp riêng, rồi nhập lại.",
                )
            for fieldname in dict.fromkeys(mapping.values()):
                cols = [i for i, f in mapping.items() if f == fieldname]
                if len(cols) > 1 and fieldname != "skip" and fieldname not in mergeable:
                    both = " và ".join(f"{column_letter(i)} ('{headers[i]}')" for i in cols)
                    raise DoithoaiError(
                        f"{where}:{number}: các cột {both} cùng là '{names.get(fieldname, fieldname)}'; "
                        "không rõ lấy cột nào, chưa ghi gì.",
                        "Xóa cột thừa hoặc đổi tên tiêu đề một cột (ví dụ thành \"Ghi chú\"), rồi nhập lại.",
                    )
            missing = [f for f in required if f not in mapping.values()]
            if missing:
                listed = ", ".join(f"'{names.get(f, f)}'" for f in missing)
                raise DoithoaiError(
                    f"{where}:{number}: thiếu cột bắt buộc {listed} (dòng tiêu đề: {', '.join(h for h in headers.values())}).",
                    fix=fix("import.add_column_or_map"),
                )
            return number, mapping, headers, rows
        if seen >= scan * 7:
            break
    if seen == 0:
        raise NoTable(f"{where}: tệp không có dòng nào.", "Chọn đúng tệp đã điền dữ liệu.")
    raise NoTable(
        f"{where}: không tìm thấy dòng tiêu đề cột trong {min(seen, scan)} dòng đầu.",
        fix=fix("import.header_or_map"),
    )


_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
_SECTION = re.compile(r"^(?:[IVXLC]+|[A-Z])\s*[.)/-]\s*(.+)$")
_FOOTER = ("nguoi lap bieu", "nguoi lap", "nguoi tong hop", "xac nhan", "t/m", "tm.", "tm ", "noi nhan",
           "ky ten", "(ky", "thu truong", "chu tich", "pho chu tich", "truong ban", "can bo tong hop")
_DATE_LINE = re.compile(r"ngay\s*\S*\s*thang\s*\S*\s*nam")


def table_records(path: Path, sheet: str | None, maps: dict[str, str], notes: list[str]):
    """Petition records from a CSV/XLSX table. A workbook is read sheet by sheet (or only the
    chosen sheet); a sheet without a table is skipped with a note, unless no sheet has one."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        yield from _table(path, read_csv_checked(path), "", maps, notes)
        return
    wb = open_workbook(path)
    try:
        if sheet:
            yield from _table(path, sheet_rows(wb, _pick_sheet(wb, path, sheet)), sheet if len(wb.sheetnames) > 1 else "",
                              maps, notes)
            return
        if len(wb.worksheets) == 1:
            yield from _table(path, sheet_rows(wb, wb.worksheets[0]), "", maps, notes)
            return
        found, first_error = False, None
        for ws in wb.worksheets:
            try:
                for rec in _table(path, sheet_rows(wb, ws), ws.title, maps, notes):
                    found = True
                    yield rec
            except NoTable as e:
                first_error = first_error or e
                notes.append(f"Trang '{ws.title}' không có bảng kiến nghị, bỏ qua ({e.message.split(': ', 1)[-1]})")
        if not found and first_error:
            raise first_error
    finally:
        wb.close()


def read_csv_checked(path: Path) -> Iterator[Row]:
    """read_csv, refusing a cell whose unclosed quote swallowed the rows below it."""
    info: dict = {}
    for number, values in read_csv(path, info):
        end = info.get("end", number)
        if end > number:
            delimiter = info.get("delimiter", ",")
            width = len(values)
            for idx, value in enumerate(values):
                lines = value.split("\n") if isinstance(value, str) else []
                swallowed = [ln for ln in lines[1:] if ln.count(delimiter) >= max(1, width - 2)]
                if swallowed:
                    from doithoai.importing.headers import column_letter

                    raise DoithoaiError(
                        f"{path}:{number}:{column_letter(idx)}: ô mở dấu ngoặc kép (\") nhưng không đóng, nên đã nuốt "
                        f"{end - number} dòng phía dưới (đến dòng {end}) vào một ô; chưa ghi gì.",
                        "Mở tệp, thêm dấu \" đóng ở cuối nội dung ô đó (hoặc xóa dấu \" mở), lưu lại rồi nhập lại.",
                    )
        yield number, values


def _table(path: Path, rows: Iterator[Row], sheet: str, maps: dict[str, str], notes: list[str]):
    """Petition records from one table: header found below title rows, the STT column and
    the "(1) (2) (3)" numbers row skipped, section rows ("I. LĨNH VỰC ĐẤT ĐAI") carried down to
    the rows below them, footer rows (date line, signatures, "Người lập biểu") ignored."""
    from doithoai.importing.headers import REQUIRED, SYNONYMS, column_letter
    from doithoai.importing.records import Record
    from doithoai.text import fold, normalise

    synonyms = {**SYNONYMS, **maps}
    where_file = f"{path}:trang '{sheet}'" if sheet else str(path)
    last: list = [[]]

    def remembered(rows):
        for number, values in rows:
            last[0] = values
            yield number, values

    header_row, mapping, headers, rows = find_header(remembered(rows), synonyms, REQUIRED, path, mergeable=("content",),
                                                     where=where_file)
    header_cells = [v for v in last[0]]
    used = {i: f for i, f in mapping.items() if f != "skip"}
    content_cols = [i for i, f in used.items() if f == "content"]
    if len(content_cols) > 1:
        listed = " và ".join(f"{column_letter(i)} ('{headers[i]}')" for i in content_cols)
        notes.append(f"{where_file}: các cột {listed} đều là nội dung; đã ghép theo thứ tự từ trái sang phải")
    single = {i: f for i, f in used.items() if i not in content_cols[1:]}
    where = {f: f"{column_letter(i)} ({headers[i]})" for i, f in single.items()}
    if len(content_cols) > 1:
        where["content"] = "+".join(column_letter(i) for i in content_cols) + f" ({headers[content_cols[0]]})"
    content_idx = content_cols[0]
    name_idx = next(i for i, f in used.items() if f == "name")
    # the header row's last column with any title (named or not)
    width = max([i for i, v in enumerate(header_cells) if v not in (None, "") and str(v).strip()] + [max(mapping)]) + 1

    def values_of(cells: list) -> dict:
        values = {f: cells[i] for i, f in single.items()}
        if len(content_cols) > 1:
            values["content"] = " ".join(str(cells[i]) for i in content_cols if cells[i] not in ("", None))
        return values

    section, section_row, data_rows = "", None, 0
    default_source = "phieu-dang-ky"
    for number, values in rows:
        # Only strip for the layout decisions; values are cleaned once, when validated.
        cells = [v.strip() if isinstance(v, str) else ("" if v is None else v) for v in values]
        extra = [(i, c) for i, c in enumerate(cells[width:], start=width) if c != "" and c not in cells[:width]]
        if extra:
            i, c = extra[0]
            raise DoithoaiError(
                f"{where_file}:{number}:{column_letter(i)}: dòng có ô '{str(c)[:40]}' ngoài các cột của dòng tiêu đề "
                f"(dòng {header_row} chỉ có đến cột {column_letter(width - 1)}); thường do thừa dấu phân cách "
                "hoặc lệch cột; chưa ghi gì.",
                "Đặt tiêu đề cho cột đó (ví dụ \"Ghi chú\") hoặc sửa dòng bị lệch cột, rồi nhập lại.",
            )
        if len(cells) < width:
            cells += [""] * (width - len(cells))
        content, name = cells[content_idx], cells[name_idx]
        if (name and content and name != content and isinstance(name, str) and isinstance(content, str)
                and not name.isupper() and not content.isupper() and not _NUMBERS.match(name)):
            # the common case: an ordinary data row (titles, signature blocks and section rows
            # are written in capitals or leave the name empty, and take the careful path below)
            data_rows += 1
            yield Record(path, number, values_of(cells), where, section, section_row, default_source, sheet=sheet)
            continue
        texts = [str(c) for c in cells if c != ""]
        if not texts:
            continue
        if len(texts) >= 2 and all(_NUMBERS.match(t) for t in texts):
            continue
        distinct = list(dict.fromkeys(texts))
        first = fold(distinct[0])
        if (not name or str(name).isupper()) and (first.startswith(_FOOTER) or _DATE_LINE.search(first)):
            break  # the signature block: nothing below it is data
        if len(distinct) <= 2 and (not content or content == name or content == distinct[-1]):
            # A section row: one title, often merged across the row, maybe after a roman numeral
            # in the STT column. It sets the field of the rows below it.
            joined = normalise(" ".join(distinct))
            m = _SECTION.match(joined)
            if m or fold(distinct[-1]).startswith("linh vuc"):
                section, section_row = (m.group(1) if m else normalise(distinct[-1])), number
                continue
        data_rows += 1
        yield Record(path, number, values_of(cells), where, section, section_row, default_source, sheet=sheet)
    if not data_rows:
        raise NoTable(f"{where_file}: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {header_row}).",
                      "Điền các kiến nghị dưới dòng tiêu đề rồi nhập lại.")
