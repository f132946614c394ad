"""Templates, the document register (sổ văn bản) and rendering.

A unit's own template folder (setting doc.template_dir) takes precedence over the built-in
templates. Each generated document gets the next number for its type and year, recorded
with its path and sha256; regenerating the same document keeps its number.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from doithoai import settings
from doithoai.db import log_event, now_utc, os_user
from doithoai.documents.context import KEYS, KINDS, REQUIRED, TYPE_CODES, build
from doithoai.errors import DoithoaiError
from doithoai.fileio import write_atomic


def builtin_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("doithoai.templates")))


def template_for(db, kind: str) -> tuple[Path, str]:
    """(path, origin) — origin is 'đơn vị' for the unit's folder, 'có sẵn' for the built-in one."""
    own = settings.get(db, "doc.template_dir")
    if own:
        candidate = Path(own).expanduser() / f"{kind}.docx"
        if candidate.is_file():
            return candidate, "đơn vị"
    return builtin_dir() / f"{kind}.docx", "có sẵn"


def list_templates(db) -> list[dict]:
    from doithoai.documents.context import TITLES

    return [{"kind": k, "title": TITLES[k], "path": str(template_for(db, k)[0]), "origin": template_for(db, k)[1]}
            for k in KINDS]


def _env():
    from jinja2 import Environment, StrictUndefined

    return Environment(autoescape=True, undefined=StrictUndefined)


def _load(path: Path):
    from docxtpl import DocxTemplate

    path = Path(path)
    if not path.is_file():
        raise DoithoaiError(f"Không tìm thấy mẫu {path}.", "Kiểm tra đường dẫn --template hoặc thiết lập doc.template_dir.")
    if not zipfile.is_zipfile(path):
        raise DoithoaiError(f"{path}: không phải tệp Word .docx.",
                            "Mẫu phải là tệp .docx (Word 2007 trở lên); mở bằng Word và lưu lại dạng .docx.")
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except Exception as e:
        raise DoithoaiError(f"{path}: tệp mẫu .docx bị hỏng ({type(e).__name__}).", "Mở bằng Word và lưu lại.") from None
    return tpl


def _template_error(path: Path, e: Exception) -> DoithoaiError:
    from jinja2 import TemplateSyntaxError, UndefinedError

    if isinstance(e, TemplateSyntaxError):
        near = " / ".join(x.strip() for x in getattr(e, "docx_context", []) if x.strip())[:200]
        return DoithoaiError(f"{path}: lỗi cú pháp trong mẫu: {e.message}" + (f" (gần: {near})" if near else "") + ".",
                             "Sửa thẻ {{ … }} hoặc {% … %} trong Word (mỗi thẻ phải mở và đóng đủ), "
                             "rồi kiểm tra bằng `doithoai doc check TỆP`.")
    if isinstance(e, UndefinedError):
        return DoithoaiError(f"{path}: mẫu dùng trường không có: {e.message}.",
                             "Xem các trường hợp lệ trong templates/TEMPLATES.md, hoặc chạy `doithoai doc check TỆP`.")
    return DoithoaiError(f"{path}: không điền được mẫu ({type(e).__name__}: {e}).", "Kiểm tra mẫu bằng `doithoai doc check TỆP`.")


def render_bytes(template: Path, context: dict) -> bytes:
    from jinja2 import TemplateError

    tpl = _load(template)
    try:
        tpl.render(context, _env())
    except TemplateError as e:
        raise _template_error(template, e) from None
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def check(path: Path, kind: str | None = None) -> dict:
    """Unknown placeholders (the tool does not provide them) and missing ones (the kind needs them)."""
    from jinja2 import TemplateError

    path = Path(path)
    kind = kind or path.stem
    if kind not in KEYS:
        raise DoithoaiError(f"Không rõ mẫu {path.name} thuộc loại văn bản nào.",
                            f"Đặt tên tệp theo loại ({', '.join(KINDS)}) hoặc dùng --kind.")
    tpl = _load(path)
    try:
        used = tpl.get_undeclared_template_variables(_env())
    except TemplateError as e:
        raise _template_error(path, e) from None
    return {"file": str(path), "kind": kind, "used": sorted(used), "unknown": sorted(used - KEYS[kind]),
            "missing": sorted(REQUIRED[kind] - used)}


# -- numbering and the register ------------------------------------------------------------

def number_text(db, kind: str, number: int) -> str:
    party = settings.get(db, "unit.style") == "party"
    symbol = settings.get(db, "unit.symbol") or ("ĐU" if party else "UBND")
    type_code = TYPE_CODES[kind]
    if type_code == "CV":
        fmt = settings.get(db, "doc.letter_number_format") or ("{number}-CV/{symbol}" if party else "{number}/{symbol}-VP")
    else:
        fmt = settings.get(db, "doc.number_format") or ("{number}-{type}/{symbol}" if party else "{number}/{type}-{symbol}")
    try:
        return fmt.format(number=number, type=type_code, symbol=symbol)
    except (KeyError, IndexError, ValueError):
        raise DoithoaiError(f"Dạng số văn bản '{fmt}' không hợp lệ.",
                            "Chỉ dùng {number}, {type} và {symbol}, ví dụ {number}-{type}/{symbol}.") from None


def reserve(db, kind: str, key: str, doc_date: dt.date) -> tuple[int | None, str, dict | None]:
    """The number for this document: its old one if it was generated before, else the next free."""
    existing = db.execute("SELECT * FROM documents WHERE doc_key = ?", [key]).fetchone()
    if existing:
        row = dict(zip([c[0] for c in db.execute("SELECT * FROM documents LIMIT 0").description], existing))
        return row["number"], row["number_text"], row
    if not TYPE_CODES[kind]:
        return None, "", None
    shared = settings.get(db, "doc.numbering") == "shared"
    where, params = ("year = ?", [doc_date.year]) if shared else ("year = ? AND type_code = ?", [doc_date.year, TYPE_CODES[kind]])
    last = db.execute(f"SELECT MAX(number) FROM documents WHERE {where}", params).fetchone()[0] or 0
    return last + 1, number_text(db, kind, last + 1), None


def generate(db, kind: str, out_path: Path, *, doc_date: dt.date, template: Path | None = None,
             session_id: int | None = None, agency_id: int | None = None, petition_id: int | None = None,
             key_suffix: str = "", register: bool = True, **context_args) -> dict:
    """Build the context, render the template, write the file whole, record it. Caller holds the transaction."""
    out_path = Path(out_path)
    if not out_path.parent.is_dir():
        raise DoithoaiError(f"Thư mục {out_path.parent} không tồn tại.", "Tạo thư mục trước, hoặc chọn đường dẫn khác cho -o.")
    if out_path.suffix.lower() != ".docx":
        raise DoithoaiError(f"Tệp đầu ra {out_path.name} phải có đuôi .docx.", "Ví dụ: -o ke-hoach.docx.")
    target = session_id if session_id is not None else agency_id if agency_id is not None else petition_id
    scope = "session" if session_id is not None else "agency" if agency_id is not None else "petition"
    key = f"{kind}:{scope}:{target}{key_suffix}"
    if register:
        number, text, existing = reserve(db, kind, key, doc_date)
    else:  # a copy (public dossier): the registered number if there is one, and no record
        row = db.execute("SELECT number, number_text FROM documents WHERE doc_key = ?", [key]).fetchone()
        number, text, existing = (row[0], row[1], None) if row else (None, "", None)
    template_path, _origin = (Path(template), "--template") if template else template_for(db, kind)
    context = build(db, kind, doc_date=doc_date, number_text=text, **context_args)
    content = render_bytes(template_path, context)
    sha = write_atomic(out_path, content)
    if not register:
        return {"kind": kind, "path": str(out_path), "number": text, "sha256": sha}
    now = now_utc()
    if existing:
        db.execute("UPDATE documents SET path = ?, sha256 = ?, template = ?, doc_date = ?, updated_at = ?, content = ? "
                   "WHERE id = ?",
                   [str(out_path.resolve()), sha, str(template_path), doc_date.isoformat(), now, content, existing["id"]])
        doc_id = existing["id"]
    else:
        doc_id = db.execute(
            """INSERT INTO documents (kind, doc_key, year, type_code, number, number_text, session_id, agency_id,
                   petition_id, doc_date, path, sha256, template, user, created_at, updated_at, content)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            [kind, key, doc_date.year, TYPE_CODES[kind], number, text, session_id, agency_id, petition_id,
             doc_date.isoformat(), str(out_path.resolve()), sha, str(template_path), os_user(), now, now,
             content]).lastrowid
    log_event(db, "document.generate", "documents", doc_id, None,
              {"kind": kind, "number": text, "path": str(out_path), "sha256": sha})
    return {"id": doc_id, "kind": kind, "path": str(out_path), "number": text, "sha256": sha,
            "regenerated": existing is not None}


def issued_content(db, document_id: int) -> bytes | None:
    """The .docx bytes as issued (stored in the register since m007); None for older rows."""
    row = db.execute("SELECT content FROM documents WHERE id = ?", [document_id]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def register_rows(db, year: int | None = None, kind: str | None = None) -> list[dict]:
    where, params = [], []
    if year:
        where.append("d.year = ?")
        params.append(year)
    if kind:
        where.append("d.kind = ?")
        params.append(kind)
    rows = list(db.query(
        "SELECT d.*, s.code AS session, a.code AS agency FROM documents d LEFT JOIN sessions s ON s.id = d.session_id "
        "LEFT JOIN agencies a ON a.id = d.agency_id" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY d.year, d.type_code, d.number, d.id", params))
    for r in rows:
        r.pop("content", None)  # the issued bytes: see issued_content()
    return rows
