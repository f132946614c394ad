"""Batch intake: read and validate every file first (no lock held), then write in one transaction.

`prepare` reads each file, normalises every record through the one intake path
(`doithoai.intake.normalise`) and lists every problem as `file:row:column: reason`; nothing is
written and no lock is taken. `write` stores the prepared rows with the one writer
(`intake.Writer`) in the caller's transaction. All or nothing by default; with skip_invalid the
valid rows are written and the rejected ones returned (the CLI writes them to a rejects CSV).

Idempotent without swallowing a petition: a file (or the chosen sheet of it) already imported
into the session is skipped whole; each row's key is its file's content and position, or an
explicit form number within the same source file family (see intake.py). Possible duplicates
are imported and flagged for the clerk, never merged silently.
"""

from __future__ import annotations

import array
import bisect
import csv
import datetime as dt
import glob
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from doithoai import intake, petitions, sessions
from doithoai.db import log_event, now_utc, os_user
from doithoai.errors import DoithoaiError, fix
from doithoai.fileio import sha256_file
from doithoai.importing import limits
from doithoai.importing.headers import FIELDS
from doithoai.importing.records import Record

FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".docx": "docx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
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
    sheet: str = ""
    read: int = 0
    new: int = 0
    present: int = 0
    rejected: int = 0
    skipped_batch: int | None = None  # id of the earlier batch when the whole file was seen
    batch_id: int | None = None
    notes: list[str] = field(default_factory=list)  # what the reader did that the clerk should know
    rows: intake.Spool = field(default_factory=lambda: intake.Spool(), repr=False)  # (key, data), prepared

    @property
    def identity(self) -> str:
        """What makes a batch the same batch: the file's bytes, and the sheet when one was chosen."""
        return f"{self.sha256}|{self.sheet}" if self.sheet else self.sha256


@dataclass
class Summary:
    session: str
    files: list[FileResult] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    unmatched_agencies: dict[str, int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

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


def records_of(path: Path, fmt: str, sheet: str | None, maps: dict[str, str],
               notes: list[str] | None = None) -> Iterator[Record]:
    if fmt in ("csv", "xlsx"):
        from doithoai.importing.tables import table_records

        return table_records(path, sheet, maps, notes if notes is not None else [])
    if fmt == "docx":
        from doithoai.importing.forms import read_form

        return iter([read_form(path)])
    from doithoai.importing.jsonl import read_jsonl

    return read_jsonl(path, maps)


def prepare(db, today: dt.date, paths: list, session: str, *, source: str | None = None,
            skip_invalid: bool = False, columns: Mapping[str, str] | None = None, sheet: str | None = None,
            tick: Callable[[], None] | None = None) -> Summary:
    """Read and validate every file; no write, no lock. Raises when a row is invalid, unless
    skip_invalid (then the rejected rows are in the summary). `columns`: {folded header: field}
    for headers the synonyms do not know."""
    s = sessions.get(db, session)
    petitions.require_taking_petitions(s)
    mapping = dict(columns or {})
    files = expand(paths)
    limits.precheck(files)  # unreadable or hostile files refused before any row is read
    vocab = intake.Vocabulary(db, s, source)
    summary = Summary(session=s["code"])
    for path in files:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise DoithoaiError(f"{path}: không hỗ trợ định dạng '{path.suffix or '(không có đuôi)'}'.",
                                "Dùng tệp .csv, .xlsx, .docx hoặc .jsonl.")
        result = FileResult(str(path), fmt, sha256_file(path), sheet=sheet or "")
        summary.files.append(result)
        if _earlier_batch(db, s["id"], result):
            continue
        forms = _Forms(db)  # hash of a form key → (row first seen, hash of its values)
        families: dict[str, str] = {}  # sheet → source file family
        sections: dict[str, list[str]] = {}  # unmatched section problem → rows under it
        for rec in records_of(path, fmt, sheet, mapping, result.notes):
            result.read += 1
            if tick:
                tick()
            if rec.problem:
                data, reasons = None, [f"{rec.loc()}: {rec.problem}"]
            else:
                data, reasons = intake.normalise(
                    rec.values, vocab, rec.loc, section=rec.section, today=today,
                    section_loc=f"{rec.file}:" + (f"trang '{rec.sheet}':" if rec.sheet else "") + f"{rec.section_row}",
                    default_source=rec.default_source)
            key = ""
            if data:
                if data["form_no"]:
                    if rec.sheet not in families:
                        families[rec.sheet] = intake.family(path.name, rec.sheet)
                    key = intake.form_key(s["id"], families[rec.sheet], data["form_no"])
                    signature, seen = hash(tuple(map(str, data.values()))), forms.get(hash(key))
                    first = (f"dòng {seen[0]}" if seen[0] else str(rec.file)) if seen else ""
                    if seen and seen[1] != signature:
                        reasons = [f"{rec.loc('form_no')}: số phiếu '{data['form_no']}' trùng với {first} "
                                   "nhưng nội dung khác; mỗi phiếu một số, sửa số phiếu rồi nhập lại"]
                    elif seen:  # the very same row twice (a copy-paste): stored once, counted as present
                        result.notes.append(f"{rec.loc()}: lặp lại nguyên văn {first} (cùng số phiếu), chỉ ghi một lần")
                    else:
                        forms.add(hash(key), rec.row or 0, signature)
                else:
                    key = intake.row_key(result.sha256, rec.sheet, rec.row)
            if reasons:
                result.rejected += 1
                for reason in reasons:
                    if rec.section_row and reason.startswith(f"{rec.file}:") and f":{rec.section_row}: không có lĩnh vực" in reason:
                        # an unmatched section is reported once, with the rows under it
                        entry = sections.setdefault(reason, [])
                        entry.append(str(rec.row))
                        if len(entry) == 1:
                            summary.problems.append(reason)
                    else:
                        summary.problems.append(reason)
                summary.rejected.append(Rejected(rec, reasons))
                continue
            assert data is not None  # normalise returns data exactly when there are no problems
            if data.get("unmatched_agency"):
                text = data["unmatched_agency"]
                summary.unmatched_agencies[text] = summary.unmatched_agencies.get(text, 0) + 1
            result.rows.append(key, data)
        forms.close()
        for reason, under in sections.items():
            i = summary.problems.index(reason)
            summary.problems[i] = f"{reason}; các dòng dưới đề mục này: {', '.join(under)}"
    problems = summary.problems
    if problems and not skip_invalid:
        listed = problems[:MAX_LISTED]
        more = f"\n  … và {len(problems) - MAX_LISTED} lỗi khác" if len(problems) > MAX_LISTED else ""
        raise DoithoaiError(
            f"Dữ liệu có {len(problems)} lỗi ở {len(summary.rejected)} dòng; chưa ghi gì:\n  " + "\n  ".join(listed) + more,
            fix=fix("import.fix_or_skip_invalid"),
        )
    return summary


class _Forms:
    """The form numbers of one file seen so far: hash of the form key → (row first seen, hash of
    the row's values). In memory up to LIMIT entries, then in a temporary table (the
    connection's own, no lock on the base) with only their sorted hashes in memory (8 bytes
    each), so memory stays nearly flat however long the file."""

    LIMIT = 50_000

    def __init__(self, db):
        self.db, self.recent, self.spilled = db, {}, False
        self.hashes = array.array("q")

    def get(self, h: int) -> tuple[int, int] | None:
        hit = self.recent.get(h)
        if hit is None and self.spilled:  # the sorted hashes (8 bytes each) answer "never seen" without SQL
            i = bisect.bisect_left(self.hashes, h)
            if i < len(self.hashes) and self.hashes[i] == h:
                row = self.db.execute("SELECT line, signature FROM temp.intake_forms WHERE h = ?", [h]).fetchone()
                hit = (row[0], row[1])
        return hit

    def add(self, h: int, line: int, signature: int) -> None:
        self.recent[h] = (line, signature)
        if len(self.recent) < self.LIMIT:
            return
        db, own = self.db, not self.db.conn.in_transaction
        if own:
            db.execute("BEGIN")  # touches the temporary database only
        if not self.spilled:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS intake_forms (h INTEGER PRIMARY KEY, line INTEGER, signature INTEGER)")
            db.execute("DELETE FROM temp.intake_forms")
            self.spilled = True
        db.insert_many("temp.intake_forms", ("h", "line", "signature"), sorted((k, *v) for k, v in self.recent.items()))
        if own:
            db.execute("COMMIT")
        self.hashes = array.array("q", sorted([*self.hashes, *self.recent]))
        self.recent.clear()

    def close(self) -> None:
        if self.spilled:
            self.db.execute("DROP TABLE temp.intake_forms")
        self.recent.clear()


def _earlier_batch(db, session_id: int, result: FileResult) -> bool:
    earlier = db.execute("SELECT id FROM import_batches WHERE session_id = ? AND sha256 = ?",
                         [session_id, result.identity]).fetchone()
    if earlier:
        result.skipped_batch = earlier[0]
        result.rows = intake.Spool()
    return bool(earlier)


def write(db, today: dt.date, summary: Summary) -> Summary:
    """Store what prepare() read, in the caller's transaction (which holds the write lock)."""
    s = sessions.get(db, summary.session)
    petitions.require_taking_petitions(s)  # checked again: the session may have moved meanwhile
    vocab = intake.Vocabulary(db, s)
    for result in summary.files:
        if result.skipped_batch or _earlier_batch(db, s["id"], result):
            continue
        if not len(result.rows) and not result.rejected:
            continue
        result.batch_id = db.insert("import_batches", {
            "session_id": s["id"], "file": Path(result.file).name, "sha256": result.identity, "format": result.format,
            "sheet": result.sheet, "rows_read": 0, "rows_new": 0, "rows_present": 0, "rows_duplicate": 0,
            "rows_rejected": 0, "notes": "\n".join(result.notes), "user": os_user(), "created_at": now_utc()})
        writer = intake.Writer(db, vocab, today, result.batch_id)
        for row in result.rows.packed():
            writer.add_packed(row)
        writer.finish()
        result.new, result.present = writer.new, writer.present
        elsewhere: dict = {}
        for chunk in (writer.present_keys[i:i + 900] for i in range(0, len(writer.present_keys), 900)):
            for code, batch_id, n in db.execute(
                    f"SELECT s.code, p.batch_id, COUNT(*) FROM petitions p JOIN sessions s ON s.id = p.session_id "
                    f"WHERE p.stable_key IN ({','.join('?' * len(chunk))}) AND p.session_id <> ? GROUP BY s.code, p.batch_id",
                    [*chunk, s["id"]]):
                elsewhere[(code, batch_id)] = elsewhere.get((code, batch_id), 0) + n
        for (code, batch_id), n in elsewhere.items():
            result.notes.append(f"{Path(result.file).name}: {n} dòng đã có trong cuộc đối thoại {code}"
                                + (f" (lô {batch_id})" if batch_id else "") + ", không nhập lại; nếu lô đó nhập nhầm cuộc "
                                "đối thoại, hủy lô đó rồi nhập lại")
        summary.duplicates.extend(writer.duplicates)
        if not result.new and not result.rejected:
            # nothing of this file was written (every row already stored, maybe in another
            # session): no batch, so that the file is not taken as imported here
            db.execute("DELETE FROM import_batches WHERE id = ?", [result.batch_id])
            result.batch_id = None
            result.rows = intake.Spool()
            continue
        db.execute("UPDATE import_batches SET rows_read=?, rows_new=?, rows_present=?, rows_duplicate=?, rows_rejected=? "
                   "WHERE id = ?", [result.read, result.new, result.present, len(writer.duplicates),
                                    result.rejected, result.batch_id])
        log_event(db, "petition.import", "import_batches", result.batch_id, None,
                  {"file": Path(result.file).name, "sha256": result.sha256, "sheet": result.sheet,
                   "session": s["code"], "read": result.read, "new": result.new, "present": result.present,
                   "rejected": result.rejected, "flagged": len(writer.duplicates)})
        result.rows = intake.Spool()
    return summary


def write_rejects(path: Path, rejected: list[Rejected]) -> None:
    """The rejected rows, with their reasons, as a UTF-8 (BOM) CSV a clerk can fix in Excel."""
    import io

    from doithoai.fileio import atomic_file
    from doithoai.spreadsheet import neutralise

    keys = [f for f in FIELDS if f != "skip"]
    with atomic_file(path, what="tệp dòng lỗi",
                     fix=fix("import.other_rejects")) as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(f)
        writer.writerow(["Tệp", "Dòng", "Lý do", *(FIELDS[k] for k in keys)])
        for r in rejected:
            writer.writerow([r.record.file, r.record.row or "", "; ".join(r.reasons),
                             *("" if r.record.values.get(k) is None else neutralise(r.record.values.get(k))
                               for k in keys)])
        f.flush()
        f.detach()
