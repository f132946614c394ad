"""Finding a row of a small reference table (agencies, fields) from what a person typed:
code, name, alias or abbreviation, or an unambiguous prefix — all diacritic-insensitive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from doithoai.text import fold

Row = TypeVar("Row", bound=Mapping[str, Any])  # a row of agencies or fields, returned as given


def _keys(row: Mapping[str, Any]) -> tuple[set[str], str]:
    exact = {fold(row["code"]), row["name_fold"]}
    exact |= {fold(a) for a in (row.get("aliases") or "").split(",") if a.strip()}
    return exact, row["name_fold"]


_GENERIC = ("phong ", "so ", "co quan ", "don vi ", "linh vuc ")


def find(rows: list[Row], query: str) -> tuple[Row | None, list[Row]]:
    """(the match, or None with the ambiguous candidates)."""
    q = fold(query)
    if not q:
        return None, []
    match, candidates = _find(rows, q)
    if match is None and not candidates and q.startswith(_GENERIC):
        # "Phòng TN&MT", "Lĩnh vực đất đai": try again without the generic word
        return _find(rows, q.split(" ", 1)[1])
    return match, candidates


def _find(rows: list[Row], q: str) -> tuple[Row | None, list[Row]]:
    by_code = [r for r in rows if fold(r["code"]) == q]
    if len(by_code) == 1:  # an exact code always wins over another row's alias
        return by_code[0], []
    exact = [r for r in rows if q in _keys(r)[0]]
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact
    squeezed = q.replace(" ", "")
    prefix = [r for r in rows if r["name_fold"].startswith(q) or r["name_fold"].replace(" ", "").startswith(squeezed)]
    if len(prefix) == 1:
        return prefix[0], []
    if prefix:
        return None, prefix
    contains = [r for r in rows if f" {q}" in f" {r['name_fold']}"]
    if len(contains) == 1:
        return contains[0], []
    return None, contains
