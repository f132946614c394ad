"""Word registration forms (phiếu đăng ký nội dung phát biểu): one petition per file.

Two layouts are read: label/value tables (the tool's own blank form is one), and free-form
paragraphs — "Họ và tên: …" lines with the content in the paragraphs below a "Nội dung…" label.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from doithoai.errors import DoithoaiError
from doithoai.importing.headers import label_field
from doithoai.importing.records import Record
from doithoai.text import clean, fold

_DOTS = re.compile(r"[.…_·]{2,}|…")  # the dotted lines a blank form leaves to be filled in
from doithoai.text import LONG_DATE as _DATE_LINE  # noqa: E402 — the one date reader's pattern

_STOP = re.compile(r"^(.*,\s*)?ngay\s*\S*\s*thang|^nguoi dang ky|^\(ky|^ky ten|^xac nhan|^nguoi viet phieu")


def _value(text: str) -> str:
    return clean(_DOTS.sub(" ", text)).strip(" -")


def read_form(path: Path) -> Record:
    from doithoai.importing.limits import check_zip

    check_zip(path)  # before python-docx parses anything
    try:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError

        try:
            doc = Document(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
            raise DoithoaiError(
                f"{path}: không phải tệp Word .docx hợp lệ ({type(e).__name__}).",
                "Mở tệp bằng Word và lưu lại dạng .docx (tệp PDF hoặc .doc cũ cần chuyển đổi trước).",
            ) from None
    except DoithoaiError:
        raise
    except Exception as e:  # damaged archives raise many kinds
        raise DoithoaiError(f"{path}: tệp Word bị hỏng ({type(e).__name__}).", "Mở bằng Word và lưu lại dạng .docx.") from None

    values: dict[str, object] = {}
    where: dict[str, str] = {}

    def put(field: str, value: str, label: str) -> None:
        if field not in values or not values[field]:
            values[field] = value
            where[field] = clean(label).rstrip(":")

    for table in doc.tables:
        for row in table.rows:
            cells: list = []
            for cell in row.cells:  # merged cells repeat: keep each once
                if not cells or cell._tc is not cells[-1]._tc:
                    cells.append(cell)
            if len(cells) < 2:
                continue
            label = cells[0].text
            field = label_field(label)
            if field:
                put(field, _value("\n".join(c.text for c in cells[1:])), label)

    collecting: list[str] | None = None
    content_label = ""
    for paragraph in doc.paragraphs:
        text = clean(paragraph.text)
        if not text:
            continue
        label, sep, rest = text.partition(":")
        field = label_field(label) if sep else None
        if field:
            if collecting is not None:
                put("content", " ".join(collecting), content_label)
                collecting = None
            if field == "content" and not _value(rest):
                collecting, content_label = [], label
            else:
                put(field, _value(rest), label)
            continue
        dated = _DATE_LINE.search(fold(text))
        if dated and "registered_on" not in values:  # "Khoen On, ngày 06 tháng 9 năm 2023" under the form
            day, month, year = dated.groups()
            values["registered_on"], where["registered_on"] = f"{day}/{month}/{year}", "dòng ngày tháng"
        if collecting is not None:
            if _STOP.match(fold(text)):
                put("content", " ".join(collecting), content_label)
                collecting = None
            elif _value(text):
                collecting.append(text)
    if collecting:
        put("content", " ".join(collecting), content_label)
    for field in ("name", "content"):
        where.setdefault(field, {"name": "Họ và tên", "content": "Nội dung"}[field])
    return Record(path, None, values, where, default_source="phieu-dang-ky")
