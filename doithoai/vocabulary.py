"""Codes and their Vietnamese labels: what a clerk types (a code or a label, with or without
diacritics: "assigned", "Đã giao", "da giao", "khẩn") read back as the stored code.

The one lookup for every vocabulary (petition statuses, sources, urgencies, session statuses);
the labels themselves live with the module that owns each vocabulary.
"""

from __future__ import annotations

from doithoai.errors import DoithoaiError
from doithoai.text import slug


def code_for(value: str, labels: dict[str, str], what: str, synonyms: dict[str, str] | None = None) -> str:
    """The code `value` names, by code or by label; a DoithoaiError listing both when none."""
    key = slug(value)
    for code, label in labels.items():
        if key in (slug(code), slug(label)):
            return code
    if synonyms and key in synonyms:
        return synonyms[key]
    raise DoithoaiError(f"{what} '{value}' không hợp lệ.",
                        "Chọn một trong: " + ", ".join(f"{code} ({label})" for code, label in labels.items()) + ".")
