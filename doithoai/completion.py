"""Shell completion candidates: session codes, agency codes, petition ids, read from the base.

Completion runs on every Tab, so it opens the file read-only, never creates or migrates a base,
and answers nothing rather than an error (a missing or locked file just completes nothing).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

LIMIT = 50
_QUERIES = {
    "session": ("SELECT code, commune || ' ' || date FROM sessions WHERE code LIKE ? ESCAPE '\\' "
                "ORDER BY date DESC LIMIT ?"),
    "agency": ("SELECT code, name FROM agencies WHERE active = 1 AND code LIKE ? ESCAPE '\\' "
               "ORDER BY code LIMIT ?"),
    "petition": ("SELECT CAST(id AS TEXT), substr(content, 1, 60) FROM petitions "
                 "WHERE CAST(id AS TEXT) LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?"),
}


def candidates(path: Path | str, kind: str, incomplete: str) -> list[tuple[str, str]]:
    """(value, description) pairs whose value starts with `incomplete` (case-insensitive). A
    base on a server offers none: a Tab press never opens a network connection."""
    if isinstance(path, str) or not path.exists():
        return []
    pattern = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            return [(str(value), " ".join(str(help_ or "").split()))
                    for value, help_ in conn.execute(_QUERIES[kind], (pattern, LIMIT))]
        finally:
            conn.close()
    except sqlite3.Error:
        return []
