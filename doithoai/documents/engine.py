"""Templates, the document register (sổ văn bản) and rendering.

A unit's own template folder (setting doc.template_dir) takes precedence over the built-in
templates. An issued document gets the next number of its series (a calendar year for state
documents, the committee's term for party ones) and is kept in the register as issued —
path, sha256 and the .docx bytes. Asking for it again writes those bytes again; `reissue`
makes a new entry with a new number; drafts carry no number and are not registered.
Templates run in Jinja's sandbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from doithoai import integrity, settings
from doithoai.db import log_event, now_utc, os_user
from doithoai.documents.context import (
    KEYS,
    KINDS,
    REQUIRED,
    TEMPLATE_KINDS,
    TYPE_CODES,
    build,
    format_number,
    require_letter_step,
)
from doithoai.errors import DoithoaiError, fix
from doithoai.fileio import write_atomic


class IssueRefused(DoithoaiError):
    """Issuing is refused, and one way round it is a choice the caller may offer (`option`:
    "allow_unassigned" or "draft"); the CLI names its flag."""

    def __init__(self, message: str, hint: str, option: str):
        super().__init__(message, hint)
        self.option = option


# Both notices to a petitioner share one template.
TEMPLATE_FILES = {"transfer_notice": "notice", "answer_notice": "notice"}


def builtin_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("doithoai.templates")))


def template_for(db, kind: str) -> tuple[Path, str]:
    """(path, origin) — origin is 'đơn vị' for the unit's folder, 'có sẵn' for the built-in one."""
    own = settings.get(db, "doc.template_dir")
    if own:
        candidate = Path(own).expanduser() / f"{TEMPLATE_FILES.get(kind, kind)}.docx"
        if candidate.is_file():
            return candidate, "đơn vị"
    return builtin_dir() / f"{TEMPLATE_FILES.get(kind, kind)}.docx", "có sẵn"


def list_templates(db) -> list[dict]:
    from doithoai.documents.context import TITLES

    return [{"kind": k, "title": TITLES[k], "path": str(template_for(db, k)[0]), "origin": template_for(db, k)[1]}
            for k in KINDS]


# Per process, for a run that writes many documents from one template (`remind` writes one
# letter per agency): the Jinja environment, each template source compiled once, docxtpl's
# clean-up of a template's XML done once, and the placeholders a template file uses (by the
# file's content). Each document is still rendered from a fresh copy of the file.
_CACHE: dict[str, Any] = {}


def _env():
    # Templates are files a clerk may receive from anyone: Jinja's sandbox refuses access to
    # private attributes (the road from a template to arbitrary Python).
    env = _CACHE.get("env")
    if env is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        class Environment(SandboxedEnvironment):
            """from_string compiles a source once; docxtpl asks for the same sources per document."""

            compiled: dict[str, Any]

            def from_string(self, source, globals=None, template_class=None):
                if globals is not None or template_class is not None or not isinstance(source, str):
                    return super().from_string(source, globals, template_class)
                compiled = self.compiled.get(source)
                if compiled is None:
                    compiled = self.compiled[source] = super().from_string(source)
                return compiled

        env = _CACHE["env"] = Environment(autoescape=True, undefined=StrictUndefined)
        env.compiled = {}
    return env


def _template_class():
    cls = _CACHE.get("template_class")
    if cls is None:
        from docxtpl import DocxTemplate

        patched: dict[str, str] = {}

        class Template(DocxTemplate):
            def patch_xml(self, src_xml):  # a pure function of the template's XML
                out = patched.get(src_xml)
                if out is None:
                    out = patched[src_xml] = super().patch_xml(src_xml)
                return out

        cls = _CACHE["template_class"] = Template
    return cls


def _load(path: Path | str):
    DocxTemplate = _template_class()

    shown = str(path)  # as the clerk typed it
    path = Path(path)
    if not path.is_file():
        raise DoithoaiError(f"Không tìm thấy mẫu {shown}.", fix=fix("doc.template_path"))
    if not zipfile.is_zipfile(path):
        raise DoithoaiError(f"Tệp mẫu {shown} không phải tệp Word .docx.",
                            "Mẫu phải là tệp .docx (Word 2007 trở lên); mở bằng Word và lưu lại dạng .docx.")
    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
    except Exception as e:
        raise DoithoaiError(f"Tệp mẫu {shown} bị hỏng ({type(e).__name__}).", "Mở bằng Word và lưu lại.") from None
    return tpl


def _paragraph_with(path: Path | str, needle: str) -> str:
    """The first paragraph of the template (body or table) whose text holds `needle`, shortened."""
    try:
        from docx import Document

        doc = Document(str(path))
        paragraphs = list(doc.paragraphs)
        for table in doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    paragraphs.extend(cell.paragraphs)
        for p in paragraphs:
            if needle in p.text:
                text = p.text.strip()
                return text if len(text) <= 120 else text[:117] + "…"
    except Exception:
        return ""
    return ""


def _template_error(path: Path | str, e: Exception) -> DoithoaiError:
    import re

    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(e, SecurityError):
        return DoithoaiError(f"Mẫu {path} truy cập thuộc tính nội bộ, không được phép ({e}).",
                             "Mẫu chỉ được dùng các trường trong templates/TEMPLATES.md; xóa thẻ đó trong Word.")
    if isinstance(e, TemplateSyntaxError):
        lines = [x.strip() for x in getattr(e, "docx_context", []) if x.strip()]
        near = next((x for x in reversed(lines) if "{" in x or "}" in x), lines[-1] if lines else "")[:200]
        return DoithoaiError(f"Mẫu {path} có lỗi cú pháp ({_vi_syntax(e.message or '')})"
                             + (f", ở đoạn: \u201c{near}\u201d" if near else "") + ".",
                             fix=fix("doc.fix_tags_then_check"))
    if isinstance(e, UndefinedError):
        m = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", e.message or "")
        field = (m.group(2) or m.group(1)) if m else (e.message or "")
        where = _paragraph_with(path, field)
        return DoithoaiError(f"Mẫu {path} dùng trường không có: \u201c{field}\u201d"
                             + (f", ở đoạn: \u201c{where}\u201d" if where else "") + ".",
                             fix=fix("doc.fields_or_check"))
    return DoithoaiError(f"Không điền được mẫu {path} ({type(e).__name__}: {e}).", fix=fix("doc.check"))


def _vi_syntax(message: str) -> str:
    """Jinja's most common syntax messages, in Vietnamese; others as they are."""
    import re

    known = [
        (r"innermost block that needs to be closed is '(\w+)'", lambda m: f"thiếu thẻ đóng {{% end{m.group(1)} %}}"),
        (r"unexpected end of template", lambda m: "mẫu kết thúc khi một thẻ còn mở"),
        (r"expected name or number", lambda m: "thiếu tên trường sau dấu chấm"),
        (r"unexpected char '(.+?)'", lambda m: f"ký tự không hợp lệ: {m.group(1)}"),
        (r"Encountered unknown tag '(\w+)'.*'(end\w+)'", lambda m: f"thẻ {m.group(1)} không đúng chỗ, cần đóng {m.group(2)} trước"),
        (r"Encountered unknown tag '(\w+)'", lambda m: f"thẻ không hợp lệ: {m.group(1)}"),
        (r"unexpected '(.+?)'", lambda m: f"ký tự không đúng chỗ: {m.group(1)}"),
        (r"expected token '(.+?)', got '(.+?)'", lambda m: f"cần '{m.group(1)}' nhưng gặp '{m.group(2)}'"),
    ]
    for pattern, say in known:
        m = re.search(pattern, message, re.IGNORECASE | re.DOTALL)
        if m:
            return say(m)
    return message


def render_bytes(template: Path, context: dict, properties: dict | None = None) -> bytes:
    from jinja2 import TemplateError

    tpl = _load(template)
    try:
        tpl.render(context, _env())
    except TemplateError as e:
        raise _template_error(template, e) from None
    if properties:
        core = tpl.docx.core_properties
        core.author = properties.get("author", "")
        core.last_modified_by = properties.get("author", "")
        core.title = properties.get("title", "")
        core.language = "vi-VN"
        core.comments = ""
        core.keywords = ""
        if properties.get("created"):
            core.created = core.modified = properties["created"]
        if properties.get("anchor"):
            core.identifier = f"doithoai:{properties['anchor']}"  # the event chain's head at issue
        _set_language(tpl.docx, "vi-VN")
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _set_language(docx, lang: str) -> None:
    """Proofing language of the default run style, so Word checks spelling in Vietnamese."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = docx.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)
    el.set(qn("w:eastAsia"), lang)


def _private_accesses(tpl) -> list[str]:
    """Attribute or item access to names starting with '_' anywhere in the template."""
    from docx import Document
    from jinja2 import nodes

    doc = Document(tpl.template_file)
    xml = tpl.patch_xml(tpl.xml_to_string(doc._element.body))
    found = []
    for node in _env().parse(xml).find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            found.append(name)
    return sorted(set(found))


def check(path: Path | str, kind: str | None = None) -> dict:
    """Unknown placeholders (the tool does not provide them), missing ones (the kind needs them),
    and access to private attributes (refused by the sandbox when rendering)."""
    from jinja2 import TemplateError

    shown, path = str(path), Path(path)
    kind = kind or TEMPLATE_KINDS.get(path.stem, path.stem)
    if kind not in KEYS:
        raise DoithoaiError(f"Không rõ mẫu {shown} thuộc loại văn bản nào.",
                            fix=fix("doc.kind_of_template", kinds=", ".join(KINDS)))
    tpl = _load(shown)
    try:
        used = tpl.get_undeclared_template_variables(_env())
        private = _private_accesses(tpl)
    except TemplateError as e:
        raise _template_error(shown, e) from None
    return {"file": shown, "kind": kind, "used": sorted(used), "unknown": sorted(used - KEYS[kind]),
            "missing": sorted(REQUIRED[kind] - used), "private": private}


def _require_issuable(path: Path, kind: str) -> None:
    """A template that lacks the number or the signature block cannot make an issued document."""
    from jinja2 import TemplateError

    try:  # by content: an edited template is looked at afresh
        stamp = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        stamp = None
    used = _CACHE.get("used", {}).get(stamp) if stamp else None
    if used is None:
        tpl = _load(path)
        try:
            used = tpl.get_undeclared_template_variables(_env())
        except TemplateError as e:
            raise _template_error(path, e) from None
        if stamp:
            _CACHE.setdefault("used", {})[stamp] = used
    if not TYPE_CODES[kind]:
        return  # the blank registration form: neither number nor signer
    need = {"signer_name", "number_line"}
    missing = sorted(need - used)
    if missing:
        labels = {"number_line": "số văn bản (number_line)", "signer_name": "khối chữ ký (signer_name)"}
        raise IssueRefused(f"Mẫu {path} thiếu {', '.join(labels[m] for m in missing)}; không ban hành được.",
                           "Thêm trường đó vào mẫu.", "draft")


# -- numbering and the register ------------------------------------------------------------

def series_of(db, doc_date: dt.date) -> str:
    """State documents are numbered per calendar year; party documents through the committee's
    term when its start is set (doc.term_start), else per year too."""
    term = settings.get(db, "doc.term_start")
    if settings.get(db, "unit.style") == "party" and term and doc_date >= dt.date.fromisoformat(term):
        return f"nhiệm kỳ từ {term}"
    return str(doc_date.year)


def _row(db, sql: str, params: list) -> dict | None:
    cur = db.execute(sql, params)
    row = cur.fetchone()
    return dict(zip([c[0] for c in cur.description], row)) if row else None


def issued(db, key: str) -> dict | None:
    return _row(db, "SELECT * FROM documents WHERE doc_key = ?", [key])


def issued_content(db, document_id: int) -> bytes | None:
    """The .docx bytes exactly as issued (None for an entry made before they were kept)."""
    row = db.execute("SELECT content FROM documents WHERE id = ?", [document_id]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def next_number(db, kind: str, doc_date: dt.date) -> tuple[int, str, str]:
    series = series_of(db, doc_date)
    shared = settings.get(db, "doc.numbering") == "shared"
    where, params = ("series = ?", [series]) if shared else ("series = ? AND type_code = ?", [series, TYPE_CODES[kind]])
    last = db.execute(f"SELECT MAX(number) FROM documents WHERE {where}", params).fetchone()[0] or 0
    return last + 1, format_number(db, kind, last + 1), series


def _leading_number(text: str) -> int | None:
    import re

    m = re.match(r"\s*(\d+)", text or "")
    return int(m.group(1)) if m else None


def _recorded_letter(db, kind: str, petition_id: int | None) -> dict | None:
    """The transfer / escalation action a letter belongs to: the number on the letter and the
    number recorded on the petition are one (whichever was written first)."""
    action = {"transfer": "transfer", "escalation": "escalate"}.get(kind)
    if not action or petition_id is None:
        return None
    return _row(db, "SELECT id, doc_number, doc_date FROM actions WHERE petition_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                [petition_id, action])


def generate(db, kind: str, out_path: Path | str, *, doc_date: dt.date, template: Path | str | None = None,
             session_id: int | None = None, agency_id: int | None = None, petition_id: int | None = None,
             key_suffix: str = "", register: bool = True, reissue: bool = False, draft: bool = False,
             date_given: bool = False, allow_unassigned: bool = False, **context_args) -> dict:
    """Issue a document, reproduce an issued one, or render a draft. Caller holds the transaction.

    - not yet issued: the next number of its series; the bytes are kept in the register;
    - already issued: the issued bytes are written again (same number, date and content);
      with reissue=True a new entry with a new number replaces it (the old one stays, marked);
    - draft=True, or another template for an issued document: no number, no register entry.
    """
    shown, out_path = str(out_path), Path(out_path)
    if not out_path.parent.is_dir():
        raise DoithoaiError(f"Thư mục của {shown} không tồn tại.", fix=fix("output.dir"))
    if out_path.suffix.lower() != ".docx":
        raise DoithoaiError(f"Tệp đầu ra {shown} phải có đuôi .docx.", fix=fix("doc.output_docx"))
    target = session_id if session_id is not None else agency_id if agency_id is not None else petition_id
    scope = "session" if session_id is not None else "agency" if agency_id is not None else "petition"
    key = f"{kind}:{scope}:{target}{key_suffix}"
    template_path = Path(template) if template else template_for(db, kind)[0]
    existing = issued(db, key) if TYPE_CODES[kind] or register else None
    if not register:  # a copy for a dossier: the issued bytes when there are some (never for a public copy)
        data = issued_content(db, existing["id"]) if existing and not context_args.get("public") else None
        if data is None:
            context = build(db, kind, doc_date=doc_date, number_text=existing["number_text"] if existing else "",
                            **context_args)
            data = render_bytes(template_path, context, _properties(db, kind, doc_date))
        sha = write_atomic(out_path, data)
        return {"kind": kind, "path": str(out_path), "number": existing["number_text"] if existing else "", "sha256": sha}
    if not TYPE_CODES[kind]:  # the blank registration form: not a document of the register
        context = build(db, kind, doc_date=doc_date, number_text="", **context_args)
        sha = write_atomic(out_path, render_bytes(template_path, context, _properties(db, kind, doc_date)))
        return {"kind": kind, "path": str(out_path), "number": "", "sha256": sha, "state": "blank"}
    if petition_id is not None:
        require_letter_step(db, kind, petition_id)
    if existing and not reissue and not draft and template is None:
        return _reproduce(db, kind, existing, out_path, template_path, context_args, date_given and
                          doc_date.isoformat() != existing["doc_date"])
    if draft or (existing and template is not None and not reissue):
        context = build(db, kind, doc_date=doc_date, number_text="", draft=True, **context_args)
        sha = write_atomic(out_path, render_bytes(template_path, context, _properties(db, kind, doc_date)))
        return {"kind": kind, "path": str(out_path), "number": "", "sha256": sha, "state": "draft"}
    _require_issuable(template_path, kind)
    if kind == "conclusions" and not allow_unassigned:
        from doithoai.documents.context import unassigned

        assert session_id is not None  # conclusions belong to a session
        waiting = unassigned(db, session_id, doc_date)
        if waiting:
            ids = ", ".join(str(r["id"]) for r in waiting[:30]) + (" …" if len(waiting) > 30 else "")
            raise IssueRefused(f"{len(waiting)} kiến nghị chưa giao cơ quan nào và chưa được trả lời: số {ids}.",
                               "Giao cơ quan hoặc ghi trả lời cho các kiến nghị đó trước khi ban hành thông báo kết luận.",
                               "allow_unassigned")
    recorded = _recorded_letter(db, kind, petition_id)
    if recorded and recorded["doc_number"] and not reissue:
        # the clerk recorded the letter's number with the action: print that very number
        text, number, series = recorded["doc_number"], _leading_number(recorded["doc_number"]), series_of(db, doc_date)
        if number is not None and format_number(db, kind, number) != text:
            number = None  # a number of another series (typed by hand): it does not move this series
    elif TYPE_CODES[kind]:
        number, text, series = next_number(db, kind, doc_date)
    else:
        number, text, series = None, "", str(doc_date.year)
    context = build(db, kind, doc_date=doc_date, number_text=text, **context_args)
    if kind == "reminder" and not context["petitions"]:
        raise DoithoaiError(f"{context['agency_name']} không có kiến nghị quá hạn đến ngày {context['as_of']}; "
                            "không có gì để đôn đốc.", "Xem các kiến nghị quá hạn trong báo cáo quá hạn.")
    anchor = integrity.anchor_text(integrity.head(db))
    data = render_bytes(template_path, context, {**_properties(db, kind, doc_date), "anchor": anchor})
    sha = write_atomic(out_path, data)
    now = now_utc()
    if existing:
        db.execute("UPDATE documents SET doc_key = ?, status = 'replaced', updated_at = ? WHERE id = ?",
                   [f"{key}#{existing['id']}", now, existing["id"]])
    doc_id = db.insert("documents", {
        "kind": kind, "doc_key": key, "year": doc_date.year, "type_code": TYPE_CODES[kind], "number": number,
        "number_text": text, "session_id": session_id, "agency_id": agency_id, "petition_id": petition_id,
        "doc_date": doc_date.isoformat(), "path": str(out_path.resolve()), "sha256": sha,
        "template": str(Path(template_path).resolve()), "user": os_user(), "created_at": now, "updated_at": now,
        "content": data, "status": "issued", "series": series, "anchor": anchor})
    if existing:
        db.execute("UPDATE documents SET replaced_by = ? WHERE id = ?", [doc_id, existing["id"]])
    if recorded and text and recorded["doc_number"] != text:
        db.execute("UPDATE actions SET doc_number = ?, doc_date = ? WHERE id = ?", [text, doc_date.isoformat(), recorded["id"]])
        log_event(db, "petition.letter_number", "petitions", petition_id, {"doc_number": recorded["doc_number"]},
                  {"doc_number": text, "doc_date": doc_date.isoformat()})
    log_event(db, "document.reissue" if existing else "document.issue", "documents", doc_id, None,
              {"kind": kind, "number": text, "path": str(out_path), "sha256": sha,
               **({"replaces": existing["number_text"]} if existing else {})})
    return {"id": doc_id, "kind": kind, "path": str(out_path), "number": text, "sha256": sha,
            "state": "reissued" if existing else "issued", "replaces": existing["number_text"] if existing else None,
            "doc_date": doc_date.isoformat()}


def _reproduce(db, kind: str, existing: dict, out_path: Path, template_path: Path, context_args: dict,
               other_date: bool) -> dict:
    data = issued_content(db, existing["id"])
    if data is None:  # issued before the bytes were kept: render once more as issued, then keep them
        doc_date = dt.date.fromisoformat(existing["doc_date"])
        context = build(db, kind, doc_date=doc_date, number_text=existing["number_text"], **context_args)
        data = render_bytes(Path(existing["template"]) if Path(existing["template"]).is_file() else template_path,
                            context, _properties(db, kind, doc_date))
        db.execute("UPDATE documents SET content = ?, sha256 = ? WHERE id = ?",
                   [data, hashlib.sha256(data).hexdigest(), existing["id"]])
    sha = write_atomic(out_path, data)
    return {"id": existing["id"], "kind": kind, "path": str(out_path), "number": existing["number_text"], "sha256": sha,
            "state": "reproduced", "doc_date": existing["doc_date"], "other_date": other_date}


def _properties(db, kind: str, doc_date: dt.date) -> dict:
    from doithoai.documents.context import TITLES

    created = dt.datetime.combine(doc_date, dt.time(8, 0))
    return {"author": settings.get(db, "unit.name"), "title": TITLES[kind], "created": created}


def register_rows(db, year: int | None = None, kind: str | None = None) -> list[dict]:
    where: list[str] = []
    params: list[Any] = []
    if year:
        where.append("d.year = ?")
        params.append(year)
    if kind:
        where.append("d.kind = ?")
        params.append(kind)
    rows = list(db.query(
        "SELECT d.id, d.kind, d.year, d.series, d.type_code, d.number, d.number_text, d.doc_date, d.status, "
        "d.session_id, d.agency_id, d.petition_id, d.path, d.sha256, d.template, d.user, d.created_at, d.anchor, "
        "(SELECT r.number_text FROM documents r WHERE r.id = d.replaced_by) AS replaced_by, "
        "s.code AS session, a.code AS agency FROM documents d LEFT JOIN sessions s ON s.id = d.session_id "
        "LEFT JOIN agencies a ON a.id = d.agency_id" + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY d.year, d.type_code, d.number, d.id", params))
    return rows
