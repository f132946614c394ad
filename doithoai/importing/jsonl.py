"""JSON Lines for scripts: one object a line, with the keys of `petition list -f json`."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from doithoai.errors import DoithoaiError
from doithoai.importing.headers import SYNONYMS, header_key
from doithoai.importing.records import Record
from doithoai.text import vn_number

MAX_LINE_BYTES = 1 << 20  # one petition; a longer line is a broken or hostile file
MAX_DEPTH = 20


def _depth(value, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _lines(path: Path):
    """(number, text or None, problem): bytes decoded line by line, so one bad line is one error."""
    try:
        f = open(path, "rb")  # noqa: SIM115 -- entered by the `with f:` below, after the open error is phrased
    except OSError as e:
        raise DoithoaiError(f"{path}: không mở được tệp ({e.strerror}).", "Kiểm tra đường dẫn và quyền đọc.") from None
    with f:
        head = f.read(4)
        f.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                text = f.read().decode("utf-16")
            except UnicodeDecodeError as e:
                raise DoithoaiError(f"{path}: tệp UTF-16 hỏng ({e.reason}).", "Lưu lại tệp bằng bảng mã UTF-8.") from None
            for number, line in enumerate(text.splitlines(), start=1):
                yield number, line, None
            return
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            if len(raw) > MAX_LINE_BYTES:
                yield number, None, f"dòng quá dài ({vn_number(len(raw))} byte; tối đa {vn_number(MAX_LINE_BYTES)})"
                continue
            try:
                yield number, raw.decode("utf-8"), None
            except UnicodeDecodeError as e:
                yield number, None, f"không phải UTF-8 hợp lệ (byte {e.start + 1}: {e.reason}); lưu tệp bằng UTF-8"


def _problem(obj) -> str | None:
    if not isinstance(obj, dict):
        return "không phải một đối tượng {…}"
    if _depth(obj) > MAX_DEPTH:
        return f"lồng nhau quá sâu (tối đa {MAX_DEPTH} tầng)"
    for key, value in obj.items():
        if isinstance(value, (dict, list, bool)):
            return f"trường '{key}' phải là chuỗi hoặc số, không phải {type(value).__name__}"
        for text in (key, value):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return f"trường '{key}' có ký tự không hợp lệ (nửa cặp thay thế UTF-16 \\ud800…)"
    return None


def read_jsonl(path: Path, maps: dict[str, str]) -> Iterator[Record]:
    synonyms = {**SYNONYMS, **maps}
    seen = 0
    for number, line, problem in _lines(path):
        if problem is None and not line.strip():
            continue
        seen += 1
        if problem is None:
            try:
                obj = json.loads(line)
                problem = _problem(obj)
            except RecursionError:
                problem = f"lồng nhau quá sâu (tối đa {MAX_DEPTH} tầng)"
            except (json.JSONDecodeError, ValueError) as e:
                problem = f"dòng JSON không hợp lệ ({e})"
        if problem:
            yield Record(path, number, {}, {}, problem=problem)
            continue
        values, where = {}, {}
        for key, value in obj.items():
            field = synonyms.get(header_key(key))
            if field and field != "skip" and field not in values:
                values[field] = "" if value is None else value
                where[field] = key
        where.setdefault("name", "petitioner")
        where.setdefault("content", "content")
        yield Record(path, number, values, where)
    if not seen:
        raise DoithoaiError(f"{path}: tệp rỗng.", "Mỗi dòng là một đối tượng JSON, ví dụ {\"petitioner\": \"…\", \"content\": \"…\"}.")
