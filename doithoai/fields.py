"""Fields (lĩnh vực) of petitions: a seeded, extendable table."""

from __future__ import annotations

from doithoai import lookup
from doithoai.db import log_event
from doithoai.errors import DoithoaiError, NotFound, fix
from doithoai.text import clean, fold, slug


def seed(db) -> None:
    from doithoai.shipped import DEFAULT_FIELDS

    for code, name, aliases in DEFAULT_FIELDS:
        db.insert("fields", {"code": code, "name": name, "name_fold": fold(name), "aliases": aliases}, or_ignore=True)


def list_all(db) -> list[dict]:
    return list(db.query("SELECT id, code, name, aliases, name_fold FROM fields ORDER BY id"))


def add(db, name: str, code: str | None = None, aliases: str = "") -> dict:
    name = clean(name)
    if not name:
        raise DoithoaiError("Tên lĩnh vực không được để trống.", fix=fix("field.add_name"))
    code = slug(code or name)
    rows = list_all(db)
    if any(r["code"] == code or r["name_fold"] == fold(name) for r in rows):
        raise DoithoaiError(f"Lĩnh vực '{name}' ({code}) đã có.", fix=fix("field.list"))
    fid = db.insert("fields", {"code": code, "name": name, "name_fold": fold(name), "aliases": clean(aliases)})
    log_event(db, "field.add", "fields", fid, None, {"code": code, "name": name})
    return {"id": fid, "code": code, "name": name, "aliases": clean(aliases)}


def resolve(db, query: str, rows: list[dict] | None = None) -> dict:
    rows = rows if rows is not None else list_all(db)
    match, candidates = lookup.find(rows, query)
    if match:
        return match
    if candidates:
        raise DoithoaiError(
            f"Lĩnh vực '{query}' khớp với nhiều lĩnh vực: {', '.join(r['name'] for r in candidates)}.",
            "Ghi rõ hơn, hoặc dùng mã lĩnh vực.",
        )
    raise NotFound(
        f"Không có lĩnh vực '{query}'.",
        "Các lĩnh vực hợp lệ: " + "; ".join(f"{r['name']} ({r['code']})" for r in rows) + ".",
        fix=fix("field.add"),
    )
