"""The dossier (hồ sơ) of a session: its documents, its data and the event log, with a
manifest of sha256 checksums — what is archived, and what moves cases between offices.

With public=True nothing personal is published (see privacy.py): names, phones and
addresses are left out or redacted from free text too, the event log stays out (the action
list is its anonymised form), documents are the issued ones redacted, and everything is
scanned for the base's personal data before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from doithoai import petition_listing, sessions, statuses, vocabulary
from doithoai.db import now_utc
from doithoai.errors import DoithoaiError, fix
from doithoai.fileio import atomic_file, make_private_dir, sha256_file, write_atomic
from doithoai.records import Session
from doithoai.spreadsheet import csv_text, xlsx_bytes

SESSION_KINDS = ("plan", "invitation", "form", "minutes", "conclusions", "report")
NAMES = {"plan": "01-ke-hoach", "invitation": "02-giay-moi", "form": "03-phieu-dang-ky", "minutes": "04-bien-ban",
         "conclusions": "05-thong-bao-ket-luan", "report": "06-bao-cao-ket-qua"}

PETITION_COLUMNS = [
    ("id", "Số"), ("session", "Cuộc đối thoại"), ("petitioner", "Người kiến nghị"), ("address", "Địa chỉ"),
    ("phone", "Điện thoại"), ("field", "Lĩnh vực"), ("source", "Nguồn"), ("urgency", "Mức độ"), ("content", "Nội dung"),
    ("status", "Trạng thái"), ("lead_agency", "Cơ quan chủ trì"), ("due_on", "Hạn trả lời"), ("complex", "Phức tạp"),
    ("registered_on", "Ngày đăng ký"), ("conclusion", "Kết luận"),
]
ACTION_COLUMNS = [("petition_id", "Số kiến nghị"), ("kind", "Việc"), ("on_date", "Ngày"), ("agency", "Cơ quan"),
                  ("to_body", "Nơi nhận"), ("doc_number", "Số văn bản"), ("doc_date", "Ngày văn bản"),
                  ("summary", "Nội dung"), ("resolved", "Đã giải quyết")]
EVENT_COLUMNS = [("id", "Số"), ("at", "Thời điểm (UTC)"), ("user", "Người dùng"), ("action", "Việc"),
                 ("entity", "Đối tượng"), ("entity_id", "Mã"), ("before", "Trước"), ("after", "Sau")]


PUBLIC_PETITION_COLUMNS = [c for c in PETITION_COLUMNS if c[0] not in ("address", "phone")]


def _public_petitions(rows: list[dict], redactor) -> list[dict]:
    """No name, address or phone; free text redacted; Vietnamese labels instead of codes."""
    from doithoai.privacy import HIDDEN

    out = []
    for r in rows:
        r = dict(r)
        r["petitioner"] = redactor.redact(r["petitioner"]) if r.get("is_organisation") else HIDDEN
        r["phone"], r["address"] = "", ""
        for key in ("content", "conclusion", "complex_reason", "answer_summary"):
            if key in r:
                r[key] = redactor.redact(r[key])
        r["status"] = statuses.LABELS.get(r.get("status") or "", r.get("status"))
        r["source"] = vocabulary.SOURCES.get(r.get("source") or "", r.get("source"))
        r["urgency"] = vocabulary.URGENCIES.get(r.get("urgency") or "", r.get("urgency"))
        r["complex"] = "Có" if r.get("complex") else "Không"
        out.append(r)
    return out


def _public_actions(rows: list[dict], redactor) -> list[dict]:
    out = []
    for r in rows:
        r = dict(r)
        r["kind"] = vocabulary.ACTION_LABELS.get(r["kind"], r["kind"])
        r["summary"], r["to_body"] = redactor.redact(r["summary"]), redactor.redact(r["to_body"])
        r["resolved"] = {1: "Có", 0: "Không"}.get(r["resolved"], "")
        out.append(r)
    return out


def _tables(db, s: Session, as_of: dt.date, public: bool, redactor=None) -> dict[str, tuple[list[tuple[str, str]], list[dict]]]:
    rows = petition_listing.list_rows(db, as_of=as_of, session=str(s["id"]))
    actions = list(db.query(
        """SELECT x.petition_id, x.kind, x.on_date, a.code AS agency, x.to_body, x.doc_number, x.doc_date,
                  x.summary, x.resolved
           FROM actions x JOIN petitions p ON p.id = x.petition_id LEFT JOIN agencies a ON a.id = x.agency_id
           WHERE p.session_id = ? ORDER BY x.id""", [s["id"]]))
    events = list(db.query(
        """SELECT * FROM events WHERE (entity = 'sessions' AND entity_id = ?)
           OR (entity = 'petitions' AND entity_id IN (SELECT id FROM petitions WHERE session_id = ?))
           OR (entity = 'import_batches' AND entity_id IN (SELECT id FROM import_batches WHERE session_id = ?))
           ORDER BY id""", [s["id"], s["id"], s["id"]]))
    if public:  # the event log never goes public; the action list is its anonymised form
        return {"kien-nghi": (PUBLIC_PETITION_COLUMNS, _public_petitions(rows, redactor)),
                "hanh-dong": (ACTION_COLUMNS, _public_actions(actions, redactor))}
    return {"kien-nghi": (PETITION_COLUMNS, rows), "hanh-dong": (ACTION_COLUMNS, actions),
            "nhat-ky": (EVENT_COLUMNS, events)}


def _columns(columns: list[tuple[str, str]]) -> list:
    from types import SimpleNamespace

    dates = ("due_on", "registered_on", "on_date", "doc_date")
    return [SimpleNamespace(key=k, header=h, kind="date" if k in dates else "text") for k, h in columns]


def _issued_bytes(engine, db, registered) -> bytes | None:
    """The document as issued: the bytes kept in the register, else the issued file if unchanged."""
    if not registered:
        return None
    content = engine.issued_content(db, registered[3])
    if content is not None:
        return content
    path = Path(registered[0])
    if path.is_file() and sha256_file(path) == registered[1]:
        return path.read_bytes()
    return None


def export(db, ref: str, target: Path, *, as_of: dt.date, public: bool = False) -> dict:
    """Write the dossier to a folder (which must not exist yet) or a .zip file. Registered documents are
    copied as issued; kinds never issued are rendered as unnumbered drafts. The register is not changed."""
    from doithoai.documents import engine

    s = sessions.get(db, ref)
    target = Path(target)
    as_zip = target.suffix.lower() == ".zip"
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", fix=fix("output.dir"))
    if target.exists() and (as_zip or not target.is_dir() or any(target.iterdir())):
        raise DoithoaiError(f"{target} đã có; hồ sơ không ghi đè.", fix=fix("output.other_name"))
    redactor = None
    if public:
        from doithoai.privacy import Redactor

        redactor = Redactor.from_base(db)
    staging = Path(tempfile.mkdtemp(prefix=".hoso-", dir=target.parent))
    try:
        make_private_dir(staging / "van-ban")
        make_private_dir(staging / "du-lieu")
        notes = []
        for kind in SESSION_KINDS:
            dest = staging / "van-ban" / f"{NAMES[kind]}.docx"
            registered = db.execute("SELECT path, sha256, number_text, id FROM documents WHERE doc_key = ?",
                                    [f"{kind}:session:{s['id']}"]).fetchone()
            if public and kind == "form":  # the blank registration form: nobody's data in it
                engine.generate(db, kind, dest, doc_date=as_of, session_id=s["id"], session=str(s["id"]), public=True,
                                register=False)
            elif public:
                issued = _issued_bytes(engine, db, registered)
                if issued is None:
                    notes.append(f"{dest.name}: chưa ban hành (hoặc không còn bản đã ban hành); không đưa vào hồ sơ công khai")
                    continue
                from doithoai.privacy import redact_docx

                assert redactor is not None  # made above whenever public
                write_atomic(dest, redact_docx(issued, redactor))
            elif registered and Path(registered[0]).is_file():
                write_atomic(dest, Path(registered[0]).read_bytes())
                if sha256_file(dest) != registered[1]:
                    notes.append(f"{dest.name}: tệp đã bị sửa sau khi tạo (sha256 khác sổ văn bản)")
            else:
                engine.generate(db, kind, dest, doc_date=as_of, session_id=s["id"], session=str(s["id"]), register=False)
                if kind != "form":
                    notes.append(f"{dest.name}: chưa ban hành (chưa có trong sổ văn bản), bản tạo khi lập hồ sơ")
        if not public:
            for path, number in db.execute(
                    "SELECT d.path, d.number_text FROM documents d JOIN petitions p ON p.id = d.petition_id "
                    "WHERE d.kind = 'transfer' AND p.session_id = ?", [s["id"]]).fetchall():
                if Path(path).is_file():
                    write_atomic(staging / "van-ban" / f"chuyen-{number.replace('/', '-')}.docx", Path(path).read_bytes())
        for name, (columns, rows) in _tables(db, s, as_of, public, redactor).items():
            cols = _columns(columns)
            write_atomic(staging / "du-lieu" / f"{name}.csv", csv_text(cols, rows).encode("utf-8"))
            if name != "nhat-ky":
                write_atomic(staging / "du-lieu" / f"{name}.xlsx", xlsx_bytes([(name, cols, rows)]))
        if public:
            from doithoai.privacy import scan_files

            emails = {r[0] for r in db.execute("SELECT email FROM agencies WHERE email <> ''")}
            assert redactor is not None  # made above whenever public
            remaining = scan_files(staging, redactor, emails)
            if remaining:
                listed = "\n  ".join(map(str, remaining[:30]))
                raise DoithoaiError(
                    f"Hồ sơ công khai vẫn còn {len(remaining)} thông tin cá nhân; không ghi gì:\n  {listed}",
                    "Sửa nội dung các văn bản, kiến nghị đã nêu (bỏ tên, số điện thoại, địa chỉ) rồi xuất lại.")
        from doithoai import integrity

        anchor = integrity.head(db)
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        manifest: dict[str, Any] = {
            "session": {k: s[k] for k in ("id", "code", "title", "commune", "date", "status")},
            "generated_at": now_utc(), "as_of": as_of.isoformat(), "public": public, "notes": notes,
            "anchor": integrity.anchor_text(anchor),
            "files": [{"path": str(p.relative_to(staging)), "sha256": sha256_file(p), "bytes": p.stat().st_size}
                      for p in files],
        }
        write_atomic(staging / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        write_atomic(staging / "SHA256SUMS", "".join(f"{f['sha256']}  {f['path']}\n" for f in manifest["files"]).encode())
        if as_zip:
            with atomic_file(target, what="hồ sơ") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
                for p in sorted(staging.rglob("*")):
                    if p.is_file():
                        z.write(p, str(p.relative_to(staging)))
        else:
            if target.exists():
                target.rmdir()
            os.replace(staging, target)
        integrity.append_anchor(db.path, anchor, "dossier", file=str(target))
        return {"target": str(target), "files": len(manifest["files"]) + 2, "public": public, "notes": notes,
                "anchor": manifest["anchor"]}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def check_public(db, target: Path) -> list:
    """The pre-publication scan, on any folder or .zip: what of the base's personal data it holds."""
    from doithoai.privacy import Redactor, scan_files

    target = Path(target)
    if not target.exists():
        raise DoithoaiError(f"Không có {target}.", "Chỉ đúng thư mục hoặc tệp .zip của hồ sơ.")
    if target.is_file() and target.suffix.lower() != ".zip":
        raise DoithoaiError(f"{target} không phải thư mục hay tệp .zip.", "Chỉ đúng thư mục hoặc tệp .zip của hồ sơ.")
    emails = {r[0] for r in db.execute("SELECT email FROM agencies WHERE email <> ''")}
    try:
        return scan_files(target, Redactor.from_base(db), emails)
    except (OSError, zipfile.BadZipFile) as e:
        raise DoithoaiError(f"Không đọc được {target}: {e}.", "Kiểm tra tệp .zip và quyền đọc.") from None
