"""The one intake path. Every petition — typed with `petition add`, read from any imported
file, or made by the demo — is normalised and validated by `normalise` and stored by `Writer`.

Identity (issue 11): a row's idempotence key is where it came from — its file's content and
position (`row_key`), or an explicit form number within the same source file family
(`form_key`), or, typed by hand, the form number within the session. Never name + content:
two citizens with one name and a similar short text are two petitions. Rows that look like an
earlier petition of the same person are stored and *flagged* (`duplicate_flags`), never dropped.
"""

from __future__ import annotations

import datetime as dt
import marshal
import operator
import re
import tempfile
import uuid
from collections.abc import Callable
from typing import Any

from doithoai import agencies, fields, lookup
from doithoai.db import now_utc
from doithoai.errors import DoithoaiError
from doithoai.records import Agency, Session
from doithoai.text import CONTROL, fold, fold_clean, normalise_phone, parse_date, vn_number
from doithoai.text import normalise as normalise_text
from doithoai.vocabulary import parse_source, parse_urgency

MAX_CONTENT = 20_000

LIMITS = {"name": 200, "content": MAX_CONTENT, "form_no": 50, "phone": 40, "address": 500}
LABELS = {
    "name": "Họ và tên", "address": "Địa chỉ", "phone": "Số điện thoại", "content": "Nội dung",
    "field": "Lĩnh vực", "agency": "Cơ quan đề nghị trả lời", "form_no": "Số phiếu",
    "registered_on": "Ngày đăng ký", "source": "Nguồn", "speak": "Đăng ký phát biểu",
    "order": "Thứ tự phát biểu", "urgency": "Mức độ", "organisation": "Tổ chức",
}
_TRUE = {"x", "co", "c", "1", "yes", "y", "true", "dang ky", "✓", "v"}
_FALSE = {"", "khong", "k", "0", "no", "n", "false"}
_CHECKED = re.compile(r"[☒☑✓✔]|\[x\]", re.IGNORECASE)


# -- identity ------------------------------------------------------------------------------

# Only explicit version marks: "(2)" (a browser's second download), "v3", "bản sửa", "copy".
# A bare trailing number is not one: "xa-1.csv" and "xa-2.csv" may be two communes.
_VERSION_TAIL = re.compile(r"([\s_.-]*(\(\d+\)|v\d+|ban sua( \d+)?|sua|final|moi|copy|ban sao|lan \d+))+$")


def family(file_name: str, sheet: str = "") -> str:
    """The source file family: the file name without its version marks ("(2)", "v3", "bản sửa",
    "copy") plus the sheet. A form number identifies a petition only
    within one family: a second sheet numbered from 1 is a different family."""
    stem = fold(re.sub(r"\.[A-Za-z0-9]+$", "", file_name))
    stem = _VERSION_TAIL.sub("", stem) or stem
    stem = re.sub(r"[\s_.-]+", "-", stem).strip("-")  # "Tổng hợp", "tong_hop", "tong-hop": one family
    return f"{stem}#{fold(sheet)}"


def row_key(sha256: str, sheet: str, row: int | None) -> str:
    return f"row:{sha256[:24]}:{fold(sheet)}:{row if row is not None else 0}"


def form_key(session_id: int, family_: str, form_no: str) -> str:
    return f"form:{session_id}:{family_}:{fold(form_no)}"


def manual_key() -> str:
    return f"manual:{uuid.uuid4().hex}"


# -- vocabulary ------------------------------------------------------------------------------

class Vocabulary:
    """What stays the same for every petition of one call: the session, fields, agencies,
    the speaking numbers already taken."""

    def __init__(self, db, session: Session, source: str | None = None):
        self.db = db
        self.session = session
        self.source = parse_source(source) if source else None
        self.fields = fields.list_all(db)
        self.field_by_text: dict[str, int | None] = {}
        self.agency_by_text: dict[str, tuple[str | None, list[str]]] = {}
        self.agency_by_raw: dict[str, tuple[str | None, list[str]]] = {}
        self._agencies: list[Agency] | None = None
        self._speakers: dict[int, str] | None = None

    def field_id(self, text: str) -> int:
        if text not in self.field_by_text:  # keyed on the text as written: a file repeats a handful of values
            match = match_field(self.fields, text)
            self.field_by_text[text] = match["id"] if match else None
        fid = self.field_by_text[text]
        if fid is None:
            raise ValueError(f"không có lĩnh vực '{text}'. Các lĩnh vực hợp lệ: "
                             + "; ".join(f["name"] for f in self.fields)
                             + " (thêm lĩnh vực mới, hoặc thêm tên gọi khác cho lĩnh vực có sẵn)")
        return fid

    def agency(self, text: str) -> tuple[str | None, list[str]]:
        """(code, []) when the text names one active agency; (None, candidate codes) otherwise."""
        if self._agencies is None:
            self._agencies = agencies.list_all(self.db, include_inactive=False)
        hit = self.agency_by_raw.get(text)  # the text as written first: fold() costs more than the lookup
        if hit is not None:
            return hit
        key = fold(text)
        if key not in self.agency_by_text:
            match, candidates = agencies.match_agency(self._agencies, text)
            self.agency_by_text[key] = (match["code"] if match else None, [c["code"] for c in candidates])
        if len(self.agency_by_raw) < 10_000:
            self.agency_by_raw[text] = self.agency_by_text[key]
        return self.agency_by_text[key]

    def claim_order(self, order: int, where: str) -> str | None:
        """Reserve a speaking number in the session; the problem text when it is taken."""
        if self._speakers is None:
            self._speakers = {r[0]: f"kiến nghị số {r[1]}" for r in self.db.execute(
                "SELECT speak_order, id FROM petitions WHERE session_id = ? AND speak_order IS NOT NULL",
                [self.session["id"]])}
        if order in self._speakers:
            return f"thứ tự phát biểu {order} đã dành cho {self._speakers[order]}"
        self._speakers[order] = where
        return None


def match_field(rows: list[dict], text: str) -> dict | None:
    """A field as a clerk reads a section title: "II. LĨNH VỰC THU HỒI ĐẤT, BỒI THƯỜNG, GIẢI
    PHÓNG MẶT BẰNG" matches the field whose name or an alias it contains, diacritic- and
    case-insensitive, ignoring numbering and the words "lĩnh vực". None when no field or more
    than one field fits equally well."""
    key = fold(text)
    key = re.sub(r"^\(?([ivxlc]+|[a-z]|\d+)\s*[.)/-]\s*", "", key)  # "II.", "a)", "3."
    key = re.sub(r"\b(cac )?linh vuc\b", " ", key)
    key = re.sub(r"[^a-z0-9]+", " ", key).strip()
    if not key:
        return None
    match, _ = lookup.find(rows, key)
    if match:
        return match
    # the longest field name or alias contained in the title wins; a tie is no match
    best: list[tuple[int, dict]] = []
    padded = f" {key} "
    for r in rows:
        names = [r["name_fold"], fold(r["code"])] + [fold(a) for a in (r.get("aliases") or "").split(",") if a.strip()]
        lengths = [len(n) for n in (re.sub(r"[^a-z0-9]+", " ", n).strip() for n in names)
                   if len(n) >= 4 and f" {n} " in padded]
        if lengths:
            best.append((max(lengths), r))
    if not best:
        return None
    best.sort(key=lambda t: -t[0])
    if len(best) > 1 and best[0][0] == best[1][0]:
        return None
    return best[0][1]


# -- one petition ----------------------------------------------------------------------------

def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
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


def _message(e: DoithoaiError, hint: bool = False) -> str:
    return e.message[0].lower() + e.message[1:] + (f" {e.hint}" if hint and e.hint else "")


def normalise(values: dict, vocab: Vocabulary, loc: Callable[[str | None], str], *, today: dt.date,
              section: str = "", section_loc: str = "", default_source: str = "phieu-dang-ky") -> tuple[dict | None, list[str]]:
    """One petition's raw values (field → value as typed or read) → (data, []) when valid,
    (None, problems) when not; each problem starts with `loc(field)`."""
    problems: list[str] = []
    text: dict[str, str] = {}
    for fieldname, raw in values.items():  # every cell once: control characters, NFC, spaces, length
        raw = "" if raw is None else raw if isinstance(raw, str) else str(raw)
        if not raw.isprintable() and CONTROL.search(raw):  # isprintable: a fast "surely clean"
            problems.append(f"{loc(fieldname)}: có ký tự điều khiển không in được; xóa ký tự lạ trong ô")
            continue
        value = normalise_text(raw)  # clean() without its second control check (done above)
        limit = LIMITS.get(fieldname, 500)
        if len(value) > limit:
            problems.append(f"{loc(fieldname)}: dài {vn_number(len(value))} ký tự, vượt giới hạn {vn_number(limit)}; "
                            "tóm tắt nội dung (tài liệu kèm theo lưu trong hồ sơ giấy)")
            continue
        text[fieldname] = value
    get = text.get
    for fieldname in ("name", "content"):
        if (fieldname in text and not text[fieldname]) or fieldname not in values:
            problems.append(f"{loc(fieldname)}: thiếu {LABELS[fieldname].lower()}")
    out: dict[str, Any] = {"name": get("name", ""), "content": get("content", ""), "address": get("address", ""),
           "form_no": get("form_no", ""), "proposed_agency": get("agency", ""), "field_id": None,
           "registered_on": None, "speak": False, "order": None, "organisation": False, "phone": ""}
    try:
        out["phone"] = normalise_phone(get("phone", ""))
    except DoithoaiError as e:
        problems.append(f"{loc('phone')}: {_message(e)}")
    field_text = get("field") or section
    if field_text:
        try:
            out["field_id"] = vocab.field_id(field_text)
        except ValueError as e:
            problems.append(f"{loc('field') if get('field') else section_loc}: {e}")
    if out["proposed_agency"]:
        code, candidates = vocab.agency(out["proposed_agency"])
        if code:
            out["proposed_agency"] = code
        elif candidates:
            problems.append(f"{loc('agency')}: '{out['proposed_agency']}' khớp với nhiều cơ quan ("
                            + ", ".join(candidates) + "); ghi mã cơ quan cho rõ")
        else:
            out["unmatched_agency"] = out["proposed_agency"]  # kept as written, reported once per text
    raw_date = values.get("registered_on")
    if raw_date not in (None, "") and "registered_on" in text:
        try:
            out["registered_on"] = _date(raw_date if isinstance(raw_date, (int, float, dt.date)) else text["registered_on"])
        except DoithoaiError as e:
            problems.append(f"{loc('registered_on')}: {_message(e)}")
        else:
            if out["registered_on"] > today:
                problems.append(f"{loc('registered_on')}: ngày đăng ký {out['registered_on']:%d/%m/%Y} ở tương lai")
    try:
        out["source"] = parse_source(get("source")) if get("source") else (vocab.source or default_source)
    except DoithoaiError as e:
        problems.append(f"{loc('source')}: {_message(e, hint=True)}")
    out["urgency"] = "thuong"
    if get("urgency"):
        try:
            out["urgency"] = parse_urgency(get("urgency"))
        except DoithoaiError as e:
            problems.append(f"{loc('urgency')}: {_message(e, hint=True)}")
    for flag in ("speak", "organisation"):
        if get(flag):
            try:
                out[flag] = _bool(values[flag] if isinstance(values[flag], bool) else text[flag])
            except ValueError as e:
                problems.append(f"{loc(flag)}: {e}; ghi \"có\" hoặc \"không\"")
    if get("order"):
        try:
            order = int(float(text["order"]))
            if order <= 0 or order != float(text["order"]):
                raise ValueError
        except (ValueError, OverflowError):
            problems.append(f"{loc('order')}: thứ tự phát biểu '{text['order']}' phải là số nguyên dương")
        else:
            taken = None if problems else vocab.claim_order(order, loc(None))
            if taken:
                problems.append(f"{loc('order')}: {taken}; chọn thứ tự khác hoặc để trống để xếp cuối danh sách")
            out["order"], out["speak"] = order, True
    return (None if problems else out), problems


# -- the one writer ----------------------------------------------------------------------------

_SPOOLED = ("name", "content", "address", "form_no", "proposed_agency", "field_id", "registered_on", "speak",
            "order", "organisation", "phone", "source", "urgency")
_SPOOL_VALUES = operator.itemgetter(*_SPOOLED)
_DAY = _SPOOLED.index("registered_on")
# positions in a packed row: (key, *_SPOOLED)
(_NAME, _CONTENT, _ADDRESS, _FORM_NO, _AGENCY, _FIELD_ID, _REGISTERED, _SPEAK, _ORDER, _ORGANISATION, _PHONE, _SOURCE,
 _URGENCY) = range(1, len(_SPOOLED) + 1)


def packed(key: str, data: dict) -> tuple:
    """A normalised petition as a flat tuple (key, *_SPOOLED values; the date as ISO text): what
    the spool keeps and the writer stores, without a dict per row."""
    values = _SPOOL_VALUES(data)
    day = values[_DAY]
    if day:
        values = (*values[:_DAY], day.isoformat(), *values[_DAY + 1:])
    return (key, *values)


class Spool:
    """Prepared rows between validation (no lock) and writing (lock held): packed with marshal a
    thousand at a time, kept in memory up to BUDGET bytes (8 MiB, some 50,000 rows) and spilled to a temporary file
    beyond, so that memory stays flat however long the file."""

    SIZE = 1000
    BUDGET = 8 << 20

    def __init__(self):
        self.buffer: list[tuple] = []
        self.chunks: list[bytes] = []
        self.held = 0
        self.file = None
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def append(self, key: str, data: dict) -> None:
        self.buffer.append(packed(key, data))
        self.count += 1
        if len(self.buffer) >= self.SIZE:
            self._pack()

    def _pack(self) -> None:
        blob = marshal.dumps(self.buffer)
        self.buffer = []
        if self.file is None and self.held + len(blob) <= self.BUDGET:
            self.chunks.append(blob)
            self.held += len(blob)
            return
        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile()  # noqa: SIM115 -- lives as long as the spool
            marshal.dump(blob, self.file)
        except OSError as e:
            raise DoithoaiError(
                f"Không ghi được tệp tạm khi đọc dữ liệu nhập ({e.strerror}): ổ đĩa đầy hoặc vượt giới hạn kích thước "
                "tệp; mọi thay đổi của lệnh này đã được hủy, chưa ghi gì vào cơ sở dữ liệu.",
                "Giải phóng dung lượng ổ đĩa (thư mục tạm, biến TMPDIR) rồi chạy lại.") from None

    def __iter__(self):
        return (self._row(t) for t in self.packed())

    def packed(self):
        """The rows as packed (see `packed`), in order: what Writer.add_packed takes."""
        for blob in self.chunks:
            yield from marshal.loads(blob)
        if self.file is not None:
            self.file.seek(0)
            while True:
                try:
                    blob = marshal.load(self.file)
                except EOFError:
                    break
                yield from marshal.loads(blob)
        yield from self.buffer

    @staticmethod
    def _row(t: tuple) -> tuple[str, dict]:
        data = dict(zip(_SPOOLED, t[1:]))
        if data["registered_on"]:
            data["registered_on"] = dt.date.fromisoformat(data["registered_on"])
        return t[0], data


def similar(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    if not wa or not wb:
        return False
    return a in b or b in a or len(wa & wb) / len(wa | wb) >= 0.6


_COLUMNS = ("session_id", "petitioner_id", "stable_key", "form_no", "content", "content_fold", "field_id", "urgency",
            "source", "registered_on", "speak", "speak_order", "proposed_agency", "status", "due_on", "batch_id",
            "created_at")

# The same person: the same petitioner (one name and one phone, or one name and one address
# without a phone), or one name and the same address under another phone. For every checked
# new petition of a batch at once; ordered as the row-by-row query returned them (petitioners
# in the order of their name index, then petitions by id).
_SAME_PERSON = """
    SELECT t.pid, p.id, s.code, p.content_fold FROM temp.intake_check t
    JOIN petitioners pr ON pr.name_fold = t.name_fold AND (pr.id = t.petitioner_id OR (t.address <> '' AND pr.address = t.address))
    JOIN petitions p ON p.petitioner_id = pr.id JOIN sessions s ON s.id = p.session_id
    WHERE p.id < t.pid AND p.status NOT IN ('withdrawn','duplicate')
    ORDER BY t.pid, pr.name_fold, pr.phone, pr.id, p.id"""

# A petitioner is the same person when name and phone match, or, without a phone, name and
# address: two citizens with one name and different phones are two people.
_SAME_PETITIONER = ("SELECT id FROM petitioners WHERE name_fold = t.name_fold AND phone = t.phone "
                    "AND (t.phone <> '' OR address = t.address)")
_PERSON = f"SELECT k, ({_SAME_PETITIONER}) FROM temp.intake_people t ORDER BY k"

_TEMP = (
    "CREATE TEMP TABLE IF NOT EXISTS intake_people (k INTEGER PRIMARY KEY, name TEXT, name_fold TEXT, "
    "is_organisation INTEGER, address TEXT, phone TEXT)",
    f"CREATE TEMP TABLE IF NOT EXISTS intake_rows ({', '.join(_COLUMNS)})",
    "CREATE TEMP TABLE IF NOT EXISTS intake_check (pid INTEGER PRIMARY KEY, petitioner_id INTEGER, name_fold TEXT, "
    "address TEXT)",
)


class Writer:
    """Stores normalised petitions a thousand at a time, as sets: each batch goes through small
    temporary tables and one INSERT … SELECT per table, so the per-row triggers (row notes for
    the seals, the search queue, the tallies) run inside one statement instead of one statement
    per row (a statement per row with triggers costs five times the insert itself). A row
    whose key is already stored is counted as present; every new row of a person who already
    has a similar petition (this or an earlier session) is flagged as a possible duplicate."""

    SIZE = 1000

    def __init__(self, db, vocab: Vocabulary, today: dt.date, batch_id: int | None = None):
        self.db, self.vocab, self.today, self.batch_id, self.now = db, vocab, today, batch_id, now_utc()
        self.pending: list[tuple] = []  # packed rows
        self.petitioners: dict[tuple[str, str, str], int] = {}
        self.new = self.present = 0
        self.ids: list[int] = []  # the ids of the last batch written (memory stays flat)
        self.present_keys: list[str] = []
        self.duplicates: list[dict] = []
        self.unnumbered: list[int] = []  # registered to speak without a number, in order
        for sql in _TEMP:
            db.execute(sql)

    def add(self, key: str, data: dict) -> None:
        self.add_packed(packed(key, data))

    def add_packed(self, row: tuple) -> None:
        """A row as `packed` made it (the spool keeps rows so)."""
        self.pending.append(row)
        if len(self.pending) >= self.SIZE:
            self.flush()

    def _people(self, wanted: dict[tuple[str, str, str], tuple]) -> dict[tuple[str, str, str], tuple[int, bool]]:
        """who → (petitioner id, created) for the people of a batch not in the cache: found, or
        added in order of first appearance (ids as the row-by-row writer gave them)."""
        db = self.db
        db.execute("DELETE FROM temp.intake_people")
        db.conn.executemany("INSERT INTO temp.intake_people VALUES (?,?,?,?,?,?)",
                            [(k, *person) for k, person in enumerate(wanted.values())])
        whos = list(wanted)
        found = {whos[k]: (pid, False) for k, pid in db.execute(_PERSON) if pid is not None}
        missing = [k for k, who in enumerate(whos) if who not in found]
        if missing:
            top = db.execute("SELECT coalesce(max(id), 0) FROM petitioners").fetchone()[0]
            db.execute("INSERT INTO petitioners (name, name_fold, is_organisation, address, phone) "
                       "SELECT name, name_fold, is_organisation, address, phone FROM temp.intake_people t "
                       f"WHERE NOT EXISTS ({_SAME_PETITIONER}) ORDER BY k")
            last = db.execute("SELECT max(id) FROM petitioners").fetchone()[0]
            if last - top != len(missing):  # ids are max + 1 in order; anything else is a bug, not data
                raise RuntimeError("petitioner ids out of sequence")
            found.update((whos[k], (top + 1 + i, True)) for i, k in enumerate(missing))
        return found

    def flush(self) -> None:
        if not self.pending:
            return
        db, s = self.db, self.vocab.session
        keys = [t[0] for t in self.pending]
        marks = ",".join("?" * len(keys))
        stored = {r[0] for r in db.execute(f"SELECT stable_key FROM petitions WHERE stable_key IN ({marks})", keys)}
        fresh = []
        wanted: dict[tuple[str, str, str], tuple] = {}
        cache = self.petitioners
        for t in self.pending:
            key = t[0]
            if key in stored:
                self.present += 1
                self.present_keys.append(key)
                continue
            stored.add(key)  # the same key twice in one call: the second is present
            name_fold, content_fold = fold_clean(t[_NAME]), fold_clean(t[_CONTENT])
            phone, address = t[_PHONE], t[_ADDRESS]
            who = (name_fold, phone, "" if phone else address)
            if who not in cache and who not in wanted:
                wanted[who] = (t[_NAME], name_fold, int(bool(t[_ORGANISATION])), address, phone)
            fresh.append((t, who, name_fold, content_fold))
        self.pending = []
        if not fresh:
            return
        people = self._people(wanted) if wanted else {}
        rows, checks = [], []
        today = self.today.isoformat()
        for t, who, name_fold, content_fold in fresh:
            pid = cache.get(who)
            # a person seen for the first time, without an address, cannot repeat an earlier petition
            check = True
            if pid is None:
                pid, created = people[who]
                check = not created or bool(t[_ADDRESS])
                if len(cache) >= 5000:  # a small cache, so memory stays flat however long the file
                    cache.clear()
                cache[who] = pid
            checks.append((pid, name_fold, t[_ADDRESS], content_fold, t[_SPEAK] and t[_ORDER] is None, check))
            # speak_order stays NULL for "registered to speak, no number": numbered in order at the end
            rows.append((s["id"], pid, t[0], t[_FORM_NO], t[_CONTENT], content_fold, t[_FIELD_ID], t[_URGENCY],
                         t[_SOURCE], t[_REGISTERED] or today, int(bool(t[_SPEAK])), t[_ORDER], t[_AGENCY], "new",
                         s["answer_due"], self.batch_id, self.now))
        import sqlite3

        db.execute("DELETE FROM temp.intake_rows")
        db.insert_many("temp.intake_rows", _COLUMNS, rows)
        top = db.execute("SELECT coalesce(max(id), 0) FROM petitions").fetchone()[0]
        try:
            db.execute(f"INSERT INTO petitions ({', '.join(_COLUMNS)}) SELECT * FROM temp.intake_rows ORDER BY rowid")
        except (sqlite3.IntegrityError, *db.integrity_errors) as e:
            if "speak_order" not in str(e):
                raise
            # checked when the file was read; another command took a number since then
            raise DoithoaiError("Một thứ tự phát biểu trong dữ liệu vừa được dành cho kiến nghị khác (do một lệnh chạy "
                                "cùng lúc); chưa ghi gì.", "Chạy lại lệnh: dữ liệu sẽ được kiểm tra lại.") from None
        if db.execute("SELECT max(id) FROM petitions").fetchone()[0] - top != len(rows):
            raise RuntimeError("petition ids out of sequence")  # ids are max + 1 in order
        self.new += len(rows)
        contents, checked = {}, []
        self.ids = []
        for pid, (petitioner_id, name_fold, address, content_fold, unnumbered, check) in enumerate(checks, top + 1):
            self.ids.append(pid)
            if unnumbered:
                self.unnumbered.append(pid)
            if check:
                contents[pid] = content_fold
                checked.append((pid, petitioner_id, name_fold, address))
        if not checked:
            return
        db.execute("DELETE FROM temp.intake_check")
        db.insert_many("temp.intake_check", ("pid", "petitioner_id", "name_fold", "address"), checked)
        flags = []
        for pid, other_id, other_session, other_content in db.execute(_SAME_PERSON):
            if similar(contents[pid], other_content):
                self.duplicates.append({"id": pid, "earlier_id": other_id, "earlier_session": other_session})
                flags.append((pid, other_id, self.now))
        if flags:
            db.insert_many("duplicate_flags", ("petition_id", "other_id", "created_at"), flags, or_ignore=True)

    def finish(self) -> None:
        self.flush()
        # speakers without a number, in order, after everyone already registered
        ids = self.unnumbered
        if ids:
            start = (self.db.execute("SELECT MAX(speak_order) FROM petitions WHERE session_id = ?",
                                     [self.vocab.session["id"]]).fetchone()[0] or 0) + 1
            self.db.conn.executemany("UPDATE petitions SET speak_order = ? WHERE id = ?",
                                     [(start + i, pid) for i, pid in enumerate(ids)])
