"""The batch writer: validate every record, write the good ones in the caller's transaction.

All or nothing by default: any invalid record and the caller's transaction is rolled back
with every problem listed as `file:row:column: reason`. With skip_invalid the valid rows are
written and the rejected ones returned (the CLI writes them to a rejects CSV).

Idempotent: a file whose sha256 was already imported into the session is skipped whole;
rows carry a stable key (form number, else a hash of petitioner + content + session), so
overlapping batches never duplicate. Likely repeats of earlier petitions (same petitioner,
similar content, any session) are reported, never merged silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from doithoai import agencies, fields, lookup, sessions
from doithoai.db import log_event, now_utc, os_user
from doithoai.errors import DoithoaiError, InvalidTransition
from doithoai.fileio import sha256_file
from doithoai.importing.headers import FIELDS, parse_maps
from doithoai.importing.records import Record
from doithoai.petitions import (
    _CONTROL,
    MAX_CONTENT,
    parse_source,
    parse_urgency,
    stable_key,
    upsert_petitioner,
)
from doithoai.text import clean, fold, fold_clean, normalise_phone, parse_date

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".docx": "docx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_TRUE = {"x", "co", "c", "1", "yes", "y", "true", "dang ky", "✓", "v"}
_FALSE = {"", "khong", "k", "0", "no", "n", "false"}
_CHECKED = re.compile(r"[☒☑✓✔]|\[x\]", re.IGNORECASE)
MAX_LISTED = 60


@dataclass
class Rejected:
    record: Record
    reasons: list[str]


@dataclass
class FileResult:
    file: str
    format: str
    sha256: str
    read: int = 0
    new: int = 0
    present: int = 0
    rejected: int = 0
    skipped_batch: int | None = None  # id of the earlier batch when the whole file was seen
    batch_id: int | None = None


@dataclass
class Summary:
    session: str
    files: list[FileResult] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    unmatched_agencies: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(getattr(f, key) for f in self.files)


def expand(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        text = str(p)
        matches = sorted(glob.glob(text)) if any(ch in text for ch in "*?[") else [text]
        if not matches:
            raise DoithoaiError(f"Không có tệp nào khớp '{text}'.", "Kiểm tra lại đường dẫn hoặc mẫu tên tệp.")
        for m in matches:
            path = Path(m)
            if not path.is_file():
                raise DoithoaiError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn.")
            out.append(path)
    return out


def records_of(path: Path, fmt: str, sheet: str | None, maps: dict[str, str]) -> Iterator[Record]:
    if fmt in ("csv", "xlsx"):
        from doithoai.importing.tables import table_records

        return table_records(path, sheet, maps)
    if fmt == "docx":
        from doithoai.importing.forms import read_form

        return iter([read_form(path)])
    from doithoai.importing.jsonl import read_jsonl

    return read_jsonl(path, maps)


def _bool(value) -> bool:
    text = str(value)
    mark = _CHECKED.search(text)
    if mark:
        before = fold(text[: mark.start()]).split()
        return bool(before) and before[-1] in ("co", "c")
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"'{value}' không phải có/không")


def _date(value) -> dt.date:
    return parse_date(value, "ngày")  # the one date reader (text.py), Excel serials included


class _Context:
    """What stays the same for every row of a call: the session, fields, agencies, speakers."""

    def __init__(self, db, session: dict, source: str | None):
        self.db = db
        self.session = session
        self.source = parse_source(source) if source else None
        self.fields = fields.list_all(db)
        self.field_by_text: dict[str, int | None] = {}
        self.agencies = agencies.list_all(db, include_inactive=False)
        self.agency_by_text: dict[str, str | None] = {}
        self.answer_due = session["answer_due"]
        self.petitioners: dict[tuple[str, str, str], int] = {}  # (name_fold, phone, address) → id, this call

    def field_id(self, text: str) -> int:
        if text not in self.field_by_text:  # keyed on the text as written: a file repeats a handful of values
            key = fold(text)
            if key.startswith("linh vuc "):
                key = key[len("linh vuc "):]
            match, _ = lookup.find(self.fields, key)
            self.field_by_text[text] = match["id"] if match else None
        fid = self.field_by_text[text]
        if fid is None:
            raise ValueError(f"không có lĩnh vực '{text}'. Các lĩnh vực hợp lệ: "
                             + "; ".join(f["name"] for f in self.fields)
                             + " (thêm bằng `doithoai field add`)")
        return fid

    def agency(self, text: str) -> str | None:
        key = fold(text)
        if key not in self.agency_by_text:
            match, _ = lookup.find(self.agencies, text)
            self.agency_by_text[key] = match["code"] if match else None
        return self.agency_by_text[key]


_LIMITS = {"name": 200, "content": MAX_CONTENT, "form_no": 50, "phone": 40}


def _message(e: DoithoaiError, hint: bool = False) -> str:
    return e.message[0].lower() + e.message[1:] + (f" {e.hint}" if hint and e.hint else "")


def _validate(rec: Record, ctx: _Context) -> tuple[dict | None, list[str]]:
    """Normalise one record; (data, []) when valid, (None, problems) when not."""
    if rec.problem:
        return None, [f"{rec.loc()}: {rec.problem}"]
    problems: list[str] = []
    text: dict[str, str] = {}
    for fieldname, raw in rec.values.items():  # every cell once: control characters, NFC, spaces, length
        raw = "" if raw is None else raw if isinstance(raw, str) else str(raw)
        if not raw.isprintable() and _CONTROL.search(raw):  # isprintable: a fast "surely clean"
            problems.append(f"{rec.loc(fieldname)}: có ký tự điều khiển không in được; xóa ký tự lạ trong ô")
            continue
        value = clean(raw)
        limit = _LIMITS.get(fieldname, 500)
        if len(value) > limit:
            problems.append(f"{rec.loc(fieldname)}: dài {len(value):,} ký tự, vượt giới hạn {limit:,}")
            continue
        text[fieldname] = value
    get = text.get
    for fieldname in ("name", "content"):
        if (fieldname in text and not text[fieldname]) or fieldname not in rec.values:
            problems.append(f"{rec.loc(fieldname)}: thiếu {FIELDS[fieldname].lower()}")
    out = {"name": get("name", ""), "content": get("content", ""), "address": get("address", ""),
           "form_no": get("form_no", ""), "proposed_agency": get("agency", ""), "field_id": None,
           "registered_on": None, "speak": False, "order": None}
    try:
        out["phone"] = normalise_phone(get("phone", ""))
    except DoithoaiError as e:
        problems.append(f"{rec.loc('phone')}: {_message(e)}")
    field_text = get("field") or rec.section
    if field_text:
        try:
            out["field_id"] = ctx.field_id(field_text)
        except ValueError as e:
            where = rec.loc("field") if get("field") else f"{rec.file}:{rec.section_row}"
            problems.append(f"{where}: {e}")
    raw_date = rec.values.get("registered_on")
    if raw_date not in (None, "") and "registered_on" in text:
        try:
            out["registered_on"] = _date(raw_date if isinstance(raw_date, (int, float, dt.date)) else text["registered_on"])
        except DoithoaiError as e:
            problems.append(f"{rec.loc('registered_on')}: {_message(e)}")
    try:
        out["source"] = parse_source(get("source")) if get("source") else (ctx.source or rec.default_source)
    except DoithoaiError as e:
        problems.append(f"{rec.loc('source')}: {_message(e, hint=True)}")
    out["urgency"] = "thuong"
    if get("urgency"):
        try:
            out["urgency"] = parse_urgency(get("urgency"))
        except DoithoaiError as e:
            problems.append(f"{rec.loc('urgency')}: {_message(e, hint=True)}")
    for flag in ("speak", "organisation"):
        if get(flag):
            try:
                out[flag] = _bool(text[flag])
            except ValueError as e:
                problems.append(f"{rec.loc(flag)}: {e}; ghi \"có\" hoặc \"không\"")
    if get("order"):
        try:
            order = int(float(text["order"]))
            if order <= 0:
                raise ValueError
            out["order"], out["speak"] = order, True
        except ValueError:
            problems.append(f"{rec.loc('order')}: thứ tự phát biểu '{text['order']}' phải là số dương")
    return (None if problems else out), problems


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return False
    return a in b or b in a or len(wa & wb) / len(wa | wb) >= 0.6


_INSERT_PETITION = """
    INSERT INTO petitions (session_id, petitioner_id, stable_key, form_no, content, content_fold, field_id, urgency,
        source, registered_on, speak, speak_order, proposed_agency, status, due_on, batch_id, created_at)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'new',?,?,?) ON CONFLICT (stable_key) DO NOTHING"""


class _Writer:
    """Buffers validated rows and writes them a thousand at a time with executemany. The stable
    key is UNIQUE, so a row already present is simply not inserted; the few things that need
    to know which rows those were (orphan petitioners, duplicate suspicion) are settled per flush."""

    SIZE = 1000

    def __init__(self, db, ctx: _Context, batch_id: int, today: dt.date, now: str):
        self.db, self.ctx, self.batch_id, self.today, self.now = db, ctx, batch_id, today, now
        self.rows: list[tuple] = []
        self.created: list[int] = []  # petitioners made for rows in the buffer
        self.check: list[tuple[str, int, str]] = []  # (key, petitioner, content_fold) whose petitioner existed
        self.new = self.present = 0
        self.duplicates: list[dict] = []

    def add(self, data: dict) -> None:
        ctx, db = self.ctx, self.db
        s = ctx.session
        name_fold, content_fold = fold_clean(data["name"]), fold_clean(data["content"])
        key = stable_key(s["id"], data["form_no"], name_fold, content_fold, folded=True)
        phone, address = data["phone"], data["address"]
        who = (name_fold, phone, "" if phone else address)
        petitioner_id = ctx.petitioners.get(who)
        existed = petitioner_id is not None
        if petitioner_id is None:
            petitioner_id, created = upsert_petitioner(db, data["name"], name_fold, address, phone,
                                                       data.get("organisation", False))
            if created:
                self.created.append(petitioner_id)
            else:
                existed = True
            if len(ctx.petitioners) >= 5000:  # a small cache, so memory stays flat however long the file
                ctx.petitioners.clear()
            ctx.petitioners[who] = petitioner_id
        if existed:
            self.check.append((key, petitioner_id, content_fold))
        # speak_order stays NULL for "registered to speak, no number": numbered in file order at the end
        self.rows.append((s["id"], petitioner_id, key, data["form_no"], data["content"], content_fold,
                          data["field_id"], data["urgency"], data["source"], (data["registered_on"] or self.today).isoformat(),
                          int(bool(data["speak"])), data["order"], data["proposed_agency"], ctx.answer_due,
                          self.batch_id, self.now))
        if len(self.rows) >= self.SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        db = self.db
        # rowcount, not total_changes: the latter also counts the integrity triggers' writes
        inserted = db.conn.executemany(_INSERT_PETITION, self.rows).rowcount
        self.new += inserted
        self.present += len(self.rows) - inserted
        if inserted < len(self.rows) and self.created:
            # rows that were repeats: drop the petitioners made just for them (and forget them)
            marks = ",".join("?" * len(self.created))
            gone = {r[0] for r in db.execute(
                f"DELETE FROM petitioners WHERE id IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM petitions WHERE petitioner_id = petitioners.id) RETURNING id", self.created)}
            if gone:
                self.ctx.petitioners = {k: v for k, v in self.ctx.petitioners.items() if v not in gone}
        for key, petitioner_id, content_fold in self.check:
            row = db.execute("SELECT id FROM petitions WHERE stable_key = ? AND batch_id = ?", [key, self.batch_id]).fetchone()
            if row is None:
                continue  # it was already there before this batch
            for other in db.execute(
                "SELECT p.id, s.code, p.content_fold FROM petitions p JOIN sessions s ON s.id = p.session_id "
                "WHERE p.petitioner_id = ? AND p.id <> ?", [petitioner_id, row[0]]):
                if _similar(content_fold, other[2]):
                    self.duplicates.append({"id": row[0], "earlier_id": other[0], "earlier_session": other[1]})
        self.rows, self.created, self.check = [], [], []

    def finish(self) -> None:
        self.flush()
        # speakers without a number, in the order of the file, after everyone already registered
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM petitions WHERE batch_id = ? AND speak = 1 AND speak_order IS NULL ORDER BY id", [self.batch_id])]
        if ids:
            start = (self.db.execute("SELECT MAX(speak_order) FROM petitions WHERE session_id = ?",
                                     [self.ctx.session["id"]]).fetchone()[0] or 0) + 1
            self.db.conn.executemany("UPDATE petitions SET speak_order = ? WHERE id = ?",
                                     [(start + i, pid) for i, pid in enumerate(ids)])


def import_files(db, today: dt.date, paths: list, session: str, *, source: str | None = None,
                 skip_invalid: bool = False, maps: list[str] = (), sheet: str | None = None,
                 tick: Callable[[], None] | None = None) -> Summary:
    """Import every file into the session, in the caller's transaction."""
    s = sessions.get(db, session)
    if s["status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {s['code']} đã kết thúc, không nhận thêm kiến nghị.",
                                "Nhập vào cuộc đối thoại khác.")
    mapping = parse_maps(list(maps))
    files = expand(paths)
    ctx = _Context(db, s, source)
    summary = Summary(session=s["code"])
    problems: list[str] = []
    now = now_utc()
    for path in files:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise DoithoaiError(f"{path}: không hỗ trợ định dạng '{path.suffix or '(không có đuôi)'}'.",
                                "Dùng tệp .csv, .xlsx, .docx hoặc .jsonl.")
        result = FileResult(str(path), fmt, sha256_file(path))
        summary.files.append(result)
        earlier = db.execute("SELECT id, created_at FROM import_batches WHERE session_id = ? AND sha256 = ?",
                             [s["id"], result.sha256]).fetchone()
        if earlier:
            result.skipped_batch = earlier[0]
            continue
        result.batch_id = db.execute(
            "INSERT INTO import_batches (session_id, file, sha256, format, rows_read, rows_new, rows_present, "
            "rows_duplicate, rows_rejected, user, created_at) VALUES (?,?,?,?,0,0,0,0,0,?,?)",
            [s["id"], path.name, result.sha256, fmt, os_user(), now_utc()]).lastrowid
        writer = _Writer(db, ctx, result.batch_id, today, now)
        for rec in records_of(path, fmt, sheet, mapping):
            result.read += 1
            if tick:
                tick()
            data, reasons = _validate(rec, ctx)
            if reasons:
                result.rejected += 1
                problems.extend(reasons)
                summary.rejected.append(Rejected(rec, reasons))
                continue
            if data["proposed_agency"]:
                code = ctx.agency(data["proposed_agency"])
                if code:
                    data["proposed_agency"] = code
                else:
                    summary.unmatched_agencies[data["proposed_agency"]] = summary.unmatched_agencies.get(data["proposed_agency"], 0) + 1
            writer.add(data)
        writer.finish()
        result.new, result.present = writer.new, writer.present
        summary.duplicates.extend(writer.duplicates)
        db.execute("UPDATE import_batches SET rows_read=?, rows_new=?, rows_present=?, rows_duplicate=?, rows_rejected=? "
                   "WHERE id = ?", [result.read, result.new, result.present, len(writer.duplicates),
                                    result.rejected, result.batch_id])
        log_event(db, "petition.import", "import_batches", result.batch_id, None,
                  {"file": path.name, "sha256": result.sha256, "session": s["code"], "read": result.read,
                   "new": result.new, "present": result.present, "rejected": result.rejected})
    if problems and not skip_invalid:
        listed = problems[:MAX_LISTED]
        more = f"\n  … và {len(problems) - MAX_LISTED} lỗi khác" if len(problems) > MAX_LISTED else ""
        raise DoithoaiError(
            f"Dữ liệu có {len(problems)} lỗi ở {len(summary.rejected)} dòng; chưa ghi gì:\n  " + "\n  ".join(listed) + more,
            "Sửa các ô đã nêu rồi nhập lại; hoặc dùng --skip-invalid để nhập các dòng hợp lệ và ghi các dòng lỗi ra tệp riêng.",
        )
    return summary


def write_rejects(path: Path, rejected: list[Rejected]) -> None:
    """The rejected rows, with their reasons, as a UTF-8 (BOM) CSV a clerk can fix in Excel."""
    from doithoai.spreadsheet import neutralise

    import io

    from doithoai.fileio import atomic_file

    keys = [f for f in FIELDS if f != "skip"]
    with atomic_file(path, what="tệp dòng lỗi",
                     hint="Chọn thư mục khác bằng --rejects; chưa có gì được ghi vào cơ sở dữ liệu.") as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(f)
        writer.writerow(["Tệp", "Dòng", "Lý do", *(FIELDS[k] for k in keys)])
        for r in rejected:
            writer.writerow([r.record.file, r.record.row or "", "; ".join(r.reasons),
                             *("" if r.record.values.get(k) is None else neutralise(r.record.values.get(k))
                               for k in keys)])
        f.flush()
        f.detach()
