"""JSON Lines for scripts: one object a line, with the keys of `petition list -f json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from doithoai.errors import DoithoaiError
from doithoai.importing.headers import SYNONYMS, header_key
from doithoai.importing.records import Record


def read_jsonl(path: Path, maps: dict[str, str]) -> Iterator[Record]:
    synonyms = {**SYNONYMS, **maps}
    try:
        f = open(path, encoding="utf-8-sig")
    except OSError as e:
        raise DoithoaiError(f"{path}: không mở được tệp ({e.strerror}).", "Kiểm tra đường dẫn và quyền đọc.") from None
    seen = 0
    with f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            seen += 1
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("không phải một đối tượng {…}")
            except (json.JSONDecodeError, ValueError) as e:
                yield Record(path, number, {}, {}, problem=f"dòng JSON không hợp lệ ({e})")
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
