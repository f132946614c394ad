"""Deadlines: the unit's calendar (holidays + overrides), its rules, and recomputation.

Session milestones and petition due dates are stored with the calendar revision that
produced them; every change to the calendar or the rules recomputes the open ones in the
caller's transaction and returns what moved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from doithoai import settings
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, fix
from doithoai.statuses import OPEN as OPEN_STATUSES
from doithoai.text import clean, vn_date
from doithoai.workdays import Override, Unit, WorkCalendar


@dataclass(frozen=True)
class Rule:
    name: str
    before: bool
    label: str


RULES = {
    "notice": Rule("notice", True, "gửi giấy mời, thông báo"),
    "review": Rule("review", False, "thông báo kết luận"),
    "answer": Rule("answer", False, "trả lời bằng văn bản"),
    "complex_answer": Rule("complex_answer", False, "trả lời vụ việc phức tạp"),
    "reopen": Rule("reopen", False, "trả lời lại kiến nghị đã mở lại"),
}


# -- the calendar ----------------------------------------------------------------------

def overrides(db) -> list[Override]:
    return [
        Override(dt.date.fromisoformat(r["date"]), r["kind"], r["reason"], r["source"])
        for r in db.query("SELECT date, kind, reason, source FROM calendar_overrides ORDER BY date")
    ]


def load_calendar(db) -> WorkCalendar:
    """The calendar for this database, built once per connection and revision."""
    rev = calendar_rev(db)
    cached = db.calendar  # declared on db.Database: one cache per connection
    if cached is not None and cached[0] == rev:
        return cached[1]
    first = db.execute("SELECT MIN(date) FROM sessions").fetchone()[0]
    first_year = min(int(first[:4]) if first else 2023, 2023)
    cal = WorkCalendar(overrides(db), first_year=first_year, table=cached_vn_holidays)
    db.calendar = (rev, cal)
    return cal


def holidays_version() -> str | None:
    """The installed holidays release, read from its dist-info folder name (no import)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    for info in Path(spec.origin).parent.parent.glob("holidays-*.dist-info"):
        return info.name[len("holidays-"):-len(".dist-info")]
    return None


def _cache_file(version: str):
    import os
    import tempfile
    from pathlib import Path

    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if os.environ.get("HOME") else tempfile.gettempdir())
    return Path(base) / "doithoai" / f"holidays-vn-{version}.json"


def cached_vn_holidays(first_year: int, last_year: int):
    """holidays.VN for these years, from a per-release cache file when it has them: importing
    and computing holidays costs ~70 ms, reading the cache ~1 ms. The cache holds only the
    package's own data, never the unit's overrides, so it cannot go stale within a release."""
    import json

    from doithoai.workdays import vn_holidays

    version = holidays_version()
    if version is None:
        return vn_holidays(first_year, last_year)
    path = _cache_file(version)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    years = [str(y) for y in range(first_year, last_year + 1)]
    if not all(y in data for y in years):
        names, makeup = vn_holidays(first_year, last_year)
        for y in years:
            data[y] = {"holidays": {d.isoformat(): n for d, n in names.items() if d.year == int(y)},
                       "makeup": sorted(d.isoformat() for d in makeup if d.year == int(y))}
        try:  # best effort: a read-only home only costs speed
            from doithoai.fileio import write_atomic

            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except (OSError, DoithoaiError):
            pass
    names = {dt.date.fromisoformat(d): n for y in years for d, n in data[y]["holidays"].items()}
    makeup = {dt.date.fromisoformat(d) for y in years for d in data[y]["makeup"]}
    return names, makeup


def calendar_rev(db) -> int:
    return int(settings.get(db, "calendar.rev") or 0)


def _bump_rev(db) -> int:
    rev = calendar_rev(db) + 1
    settings.put(db, "calendar.rev", str(rev))
    return rev


def ensure_shipped(db) -> None:
    """Insert shipped overrides newer than what this database has seen. Caller holds a transaction."""
    from doithoai.shipped import OVERRIDES, SHIPPED_VERSION

    seen = int(settings.get(db, "calendar.shipped") or 0)
    if seen >= SHIPPED_VERSION:
        return
    for day, kind, reason, source, since in OVERRIDES:
        if since > seen:
            db.insert("calendar_overrides", {"date": day.isoformat(), "kind": kind, "reason": reason,
                                             "source": source, "shipped": 1, "created_at": now_utc()}, or_ignore=True)
    settings.put(db, "calendar.shipped", str(SHIPPED_VERSION))
    _bump_rev(db)


# -- rules -----------------------------------------------------------------------------

def rule_of(db, name: str) -> tuple[int, Unit]:
    # the setting accepts only "working" or "calendar" (checked when written)
    return int(settings.get(db, f"deadline.{name}_days")), cast(Unit, settings.get(db, f"deadline.{name}_unit"))


def apply_rule(db, name: str, start: dt.date) -> tuple[dt.date, str]:
    """(due date, how it was computed in words) for one rule from `start`."""
    rule = RULES[name]
    days, unit = rule_of(db, name)
    due = load_calendar(db).add_days(start, days, before=rule.before, unit=unit)
    unit_word = "ngày làm việc" if unit == "working" else "ngày (lịch)"
    side = "trước" if rule.before else "sau"
    return due, f"{days} {unit_word} {side} ngày {vn_date(start)} (lịch r{calendar_rev(db)})"


def session_milestones(db, session_date: dt.date) -> dict[str, str]:
    out = {}
    for name, column in (("notice", "notice_by"), ("review", "review_by"),
                         ("answer", "answer_due"), ("complex_answer", "complex_answer_due")):
        out[column] = apply_rule(db, name, session_date)[0].isoformat()
    return out


def answer_due(db, session_date: dt.date, complex_: bool) -> tuple[dt.date, str]:
    due, how = apply_rule(db, "complex_answer" if complex_ else "answer", session_date)
    return due, how + (" — vụ việc phức tạp" if complex_ else "")


# -- recomputation -----------------------------------------------------------------------

def refresh_petition_due(db, where: str = "1", params=()) -> None:
    """Keep petitions.lead_agency_id/due_on equal to the active lead assignment, or to the
    session's answer date while unassigned."""
    db.execute(
        f"""
        UPDATE petitions SET
          lead_agency_id = (SELECT a.agency_id FROM assignments a
                            WHERE a.petition_id = petitions.id AND a.role = 'lead' AND a.active = 1),
          due_on = COALESCE(
            (SELECT a.due_on FROM assignments a
             WHERE a.petition_id = petitions.id AND a.role = 'lead' AND a.active = 1),
            (SELECT CASE WHEN petitions.complex THEN s.complex_answer_due ELSE s.answer_due END
             FROM sessions s WHERE s.id = petitions.session_id))
        WHERE {where}
        """,
        params,
    )


def recompute(db, session_id: int | None = None) -> list[dict]:
    """Recompute open deadlines (all sessions, or one). Returns what moved. Caller holds the transaction."""
    placeholders = ",".join("?" * len(OPEN_STATUSES))
    scope, scope_params = ("s.status <> 'closed'", [])
    if session_id is not None:
        scope, scope_params = ("s.id = ?", [session_id])
    rev = calendar_rev(db)
    moved: list[dict] = []

    for s in list(db.query(f"SELECT * FROM sessions s WHERE {scope}", scope_params)):
        new = session_milestones(db, dt.date.fromisoformat(s["date"]))
        changed = {k: (s[k], v) for k, v in new.items() if s[k] != v}
        db.execute(
            "UPDATE sessions SET notice_by=?, review_by=?, answer_due=?, complex_answer_due=?, calendar_rev=? WHERE id=?",
            [new["notice_by"], new["review_by"], new["answer_due"], new["complex_answer_due"], rev, s["id"]],
        )
        for column, (old, value) in changed.items():
            moved.append({"kind": "session", "id": s["id"], "code": s["code"], "what": column, "old": old, "new": value})

    before = {
        r["id"]: r["due_on"]
        for r in db.query(
            f"SELECT p.id, p.due_on FROM petitions p JOIN sessions s ON s.id = p.session_id "
            f"WHERE {scope} AND p.status IN ({placeholders})",
            [*scope_params, *OPEN_STATUSES],
        )
    }
    cache: dict[tuple[str, int], tuple[dt.date, str]] = {}
    for a in list(db.query(
        f"""SELECT a.id, a.due_on, s.date, p.complex FROM assignments a
            JOIN petitions p ON p.id = a.petition_id JOIN sessions s ON s.id = p.session_id
            WHERE {scope} AND a.active = 1 AND a.manual_due = 0 AND p.status IN ({placeholders})""",
        [*scope_params, *OPEN_STATUSES],
    )):
        key = (a["date"], a["complex"])
        if key not in cache:
            cache[key] = answer_due(db, dt.date.fromisoformat(a["date"]), bool(a["complex"]))
        due, how = cache[key]
        db.execute("UPDATE assignments SET due_on=?, due_rule=?, calendar_rev=? WHERE id=?",
                   [due.isoformat(), how, rev, a["id"]])
    if before:
        refresh_petition_due(
            db,
            f"status IN ({placeholders}) AND session_id IN (SELECT s.id FROM sessions s WHERE {scope})",
            [*OPEN_STATUSES, *scope_params],
        )
        after = db.execute(
            f"SELECT p.id, p.due_on FROM petitions p JOIN sessions s ON s.id = p.session_id "
            f"WHERE {scope} AND p.status IN ({placeholders})",
            [*scope_params, *OPEN_STATUSES],
        ).fetchall()
        for pid, due_on in after:
            if before.get(pid) != due_on:
                moved.append({"kind": "petition", "id": pid, "code": "", "what": "due_on",
                              "old": before.get(pid), "new": due_on})
    settings.put(db, "calendar.holidays_version", holidays_version() or "")
    return moved


# -- overrides ---------------------------------------------------------------------------

def add_override(db, day: dt.date, kind: str, reason: str, source: str = "") -> list[dict]:
    reason, source = clean(reason), clean(source)
    if not reason:
        raise DoithoaiError("Thiếu lý do điều chỉnh ngày.", "Thêm --reason, ví dụ --reason \"Nghỉ bù Tết\".")
    existing = db.execute("SELECT kind, reason, source FROM calendar_overrides WHERE date = ?",
                          [day.isoformat()]).fetchone()
    if existing:
        word = "ngày nghỉ" if existing[0] == "off" else "ngày làm việc"
        raise DoithoaiError(
            f"Ngày {vn_date(day)} đã được điều chỉnh là {word} ({existing[1]}).",
            fix=fix("calendar.remove_first", day=day.isoformat()),
        )
    cal = load_calendar(db)
    if cal.is_working_day(day) == (kind == "work"):
        state = "ngày làm việc" if kind == "work" else "ngày nghỉ"
        raise DoithoaiError(
            f"Ngày {vn_date(day)} vốn đã là {state} ({cal.reason(day)}); điều chỉnh này không thay đổi gì.",
            "Kiểm tra lại ngày trong văn bản thông báo nghỉ/làm bù.",
        )
    db.insert("calendar_overrides", {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source,
                                     "shipped": 0, "created_at": now_utc()})
    _bump_rev(db)
    log_event(db, "calendar.add", "calendar_overrides", None, None,
              {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source})
    return recompute(db)


def remove_override(db, day: dt.date) -> list[dict]:
    row = db.execute("SELECT kind, reason, source FROM calendar_overrides WHERE date = ?", [day.isoformat()]).fetchone()
    if not row:
        raise DoithoaiError(
            f"Ngày {vn_date(day)} không có điều chỉnh nào để xóa.",
            fix=fix("calendar.list"),
        )
    db.execute("DELETE FROM calendar_overrides WHERE date = ?", [day.isoformat()])
    _bump_rev(db)
    log_event(db, "calendar.remove", "calendar_overrides", None,
              {"date": day.isoformat(), "kind": row[0], "reason": row[1], "source": row[2]}, None)
    return recompute(db)


def year_listing(db, year: int) -> list[dict]:
    """Every non-ordinary day of a year: holidays, days off, make-up working days."""
    cal = load_calendar(db)
    start = dt.date(year, 1, 1)
    rows = []
    day = start
    while day.year == year:
        weekend = day.weekday() >= 5
        working = cal.is_working_day(day)
        if working == weekend:  # a weekday off, or a weekend day worked
            override = cal.overrides.get(day)
            if override is not None:
                origin = f"điều chỉnh: {override.source}" if override.source else "điều chỉnh của đơn vị"
            else:
                origin = f"holidays {holidays_version()}"
            rows.append({
                "date": day.isoformat(),
                "weekday": cal_weekday(day),
                "kind": "day_off" if not working else "workday",
                "description": cal.reason(day),
                "origin": origin,
            })
        day += dt.timedelta(days=1)
    return rows


def cal_weekday(day: dt.date) -> str:
    from doithoai.workdays import WEEKDAY_NAMES

    return WEEKDAY_NAMES[day.weekday()]


def confirm_year(db, year: int, source: str) -> None:
    source = clean(source)
    if not source:
        raise DoithoaiError("Thiếu văn bản căn cứ.", "Thêm --source, ví dụ --source \"Công văn …/VPCP-KGVX\".")
    db.execute("INSERT INTO calendar_confirmed (year, source) VALUES (?, ?) "
               "ON CONFLICT(year) DO UPDATE SET source = excluded.source", [year, source])
    log_event(db, "calendar.confirm", "calendar_confirmed", year, None, {"year": year, "source": source})


def check(db, today: dt.date) -> list[str]:
    """Warnings about the calendar's trustworthiness for this year and the next."""
    from doithoai.shipped import CONFIRMED_YEARS

    confirmed = dict(CONFIRMED_YEARS)
    confirmed.update({r["year"]: r["source"] for r in db.query("SELECT year, source FROM calendar_confirmed")})
    warnings = []
    for year in (today.year, today.year + 1):
        if year not in confirmed:
            warnings.append(
                f"Lịch nghỉ Tết, lễ và hoán đổi ngày làm việc năm {year} chưa được xác nhận theo văn bản chính thức. "
                f"Khi có thông báo, thêm ngày nghỉ/làm bù (`calendar add-day-off`, `calendar add-workday`) "
                f"rồi chạy `doithoai calendar confirm {year} --source \"số văn bản\"`."
            )
    stored, installed = settings.get(db, "calendar.holidays_version"), holidays_version()
    if stored and stored != installed:
        warnings.append(
            f"Các thời hạn đã lưu được tính với holidays {stored}, nay cài holidays {installed}. "
            "Chạy `doithoai calendar recompute` để tính lại các thời hạn còn mở."
        )
    return warnings


OVERRIDE_HEADERS = {
    "ngay": "date", "date": "date", "loai": "kind", "kind": "kind", "ly do": "reason", "noi dung": "reason",
    "reason": "reason", "van ban": "source", "can cu": "source", "van ban can cu": "source", "source": "source",
}
_KINDS = {"nghi": "off", "ngay nghi": "off", "nghi bu": "off", "off": "off", "lam": "work", "lam bu": "work",
          "ngay lam viec": "work", "lam viec": "work", "work": "work"}


def import_overrides(db, path) -> list[dict]:
    """Load the government's yearly schedule of days off and make-up days from CSV/XLSX
    (columns Ngày, Loại, Lý do, Văn bản). All or nothing; returns the deadlines that moved."""
    from pathlib import Path

    from doithoai.importing.tables import find_header, read_table
    from doithoai.text import fold, parse_date

    path = Path(path)
    _, mapping, _headers, rows = find_header(read_table(path), OVERRIDE_HEADERS, ("date", "kind", "reason"), path,
                                            labels={"date": "Ngày", "kind": "Loại", "reason": "Lý do"})
    col = {f: i for i, f in mapping.items()}
    problems: list[str] = []
    items: list = []
    seen: dict = {}
    existing = {r[0] for r in db.execute("SELECT date FROM calendar_overrides")}
    cal = load_calendar(db)
    for number, values in rows:
        cell = {f: clean(values[i]) if i < len(values) and values[i] is not None else "" for f, i in col.items()}
        if not any(cell.values()):
            continue
        where = f"{path}:{number}"
        try:
            day = parse_date(values[col["date"]] if col["date"] < len(values) else "", "ngày")
        except DoithoaiError as e:
            problems.append(f"{where}: {e.message}")
            continue
        kind = _KINDS.get(fold(cell.get("kind", "")))
        if kind is None:
            problems.append(f"{where}: loại '{cell.get('kind', '')}' không rõ; ghi \"nghỉ\" hoặc \"làm bù\"")
            continue
        if not cell.get("reason"):
            problems.append(f"{where}: thiếu lý do")
            continue
        if day.isoformat() in existing:
            problems.append(f"{where}: ngày {vn_date(day)} đã được điều chỉnh trước đó (xóa bằng `calendar remove` nếu cần thay)")
            continue
        if day in seen:
            problems.append(f"{where}: ngày {vn_date(day)} lặp lại (đã có ở dòng {seen[day]})")
            continue
        if cal.is_working_day(day) == (kind == "work"):
            problems.append(f"{where}: ngày {vn_date(day)} vốn đã là {'ngày làm việc' if kind == 'work' else 'ngày nghỉ'}")
            continue
        seen[day] = number
        items.append((day, kind, cell["reason"], cell.get("source", "")))
    if problems:
        raise DoithoaiError("Lịch điều chỉnh có lỗi, chưa ghi gì:\n  " + "\n  ".join(problems),
                            "Sửa các dòng đã nêu rồi nhập lại.")
    if not items:
        raise DoithoaiError(f"{path}: không có dòng dữ liệu nào.", "Mỗi dòng: Ngày, Loại (nghỉ/làm bù), Lý do, Văn bản.")
    for day, kind, reason, source in items:
        db.insert("calendar_overrides", {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source,
                                         "shipped": 0, "created_at": now_utc()})
        log_event(db, "calendar.add", "calendar_overrides", None, None,
                  {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source})
    _bump_rev(db)
    return recompute(db)
