"""The unit's corrections to the holiday calendar: the shipped and its own days off and make-up
working days, the years confirmed against an official text, a year's unusual days, and the
warnings when the calendar cannot be trusted yet. Every change bumps the calendar revision
and recomputes the open deadlines (returned: what moved).
"""

from __future__ import annotations

import datetime as dt

from doithoai import settings
from doithoai.db import log_event, now_utc
from doithoai.deadlines import bump_calendar_rev, load_calendar
from doithoai.errors import DoithoaiError, Notice, fix
from doithoai.holidays_cache import holidays_version
from doithoai.recompute import open_deadlines
from doithoai.text import clean, vn_date
from doithoai.workdays import WEEKDAY_NAMES


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
    bump_calendar_rev(db)


def add_override(db, day: dt.date, kind: str, reason: str, source: str = "") -> list[dict]:
    reason, source = clean(reason), clean(source)
    if not reason:
        raise DoithoaiError("Thiếu lý do điều chỉnh ngày.", fix=fix("calendar.reason"))
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
            f"Ngày {vn_date(day)} vốn đã là {state} — {cal.reason(day)}; điều chỉnh này không thay đổi gì.",
            "Kiểm tra lại ngày trong văn bản thông báo nghỉ/làm bù.",
        )
    record(db, day, kind, reason, source)
    bump_calendar_rev(db)
    return open_deadlines(db)


def record(db, day: dt.date, kind: str, reason: str, source: str) -> None:
    """Store one checked override of the unit and log it; the caller bumps the calendar revision."""
    db.insert("calendar_overrides", {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source,
                                     "shipped": 0, "created_at": now_utc()})
    log_event(db, "calendar.add", "calendar_overrides", None, None,
              {"date": day.isoformat(), "kind": kind, "reason": reason, "source": source})


def remove_override(db, day: dt.date) -> list[dict]:
    row = db.execute("SELECT kind, reason, source FROM calendar_overrides WHERE date = ?", [day.isoformat()]).fetchone()
    if not row:
        raise DoithoaiError(
            f"Ngày {vn_date(day)} không có điều chỉnh nào để xóa.",
            fix=fix("calendar.list"),
        )
    db.execute("DELETE FROM calendar_overrides WHERE date = ?", [day.isoformat()])
    bump_calendar_rev(db)
    log_event(db, "calendar.remove", "calendar_overrides", None,
              {"date": day.isoformat(), "kind": row[0], "reason": row[1], "source": row[2]}, None)
    return open_deadlines(db)


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
                "weekday": WEEKDAY_NAMES[day.weekday()],
                "kind": "day_off" if not working else "workday",
                "description": cal.reason(day),
                "origin": origin,
            })
        day += dt.timedelta(days=1)
    return rows


def confirm_year(db, year: int, source: str) -> None:
    source = clean(source)
    if not source:
        raise DoithoaiError("Thiếu văn bản căn cứ.", fix=fix("calendar.source"))
    db.execute("INSERT INTO calendar_confirmed (year, source) VALUES (?, ?) "
               "ON CONFLICT(year) DO UPDATE SET source = excluded.source", [year, source])
    log_event(db, "calendar.confirm", "calendar_confirmed", year, None, {"year": year, "source": source})


def check(db, today: dt.date) -> list[Notice]:
    """Warnings about the calendar's trustworthiness for this year and the next."""
    from doithoai.shipped import CONFIRMED_YEARS

    confirmed = dict(CONFIRMED_YEARS)
    confirmed.update({r["year"]: r["source"] for r in db.query("SELECT year, source FROM calendar_confirmed")})
    warnings = []
    for year in (today.year, today.year + 1):
        if year not in confirmed:
            warnings.append(Notice(
                f"Lịch nghỉ Tết, lễ và hoán đổi ngày làm việc năm {year} chưa được xác nhận theo văn bản chính thức.",
                fix("calendar.confirm_year", year=year)))
    stored, installed = settings.get(db, "calendar.holidays_version"), holidays_version()
    if stored and stored != installed:
        warnings.append(Notice(f"Các thời hạn đã lưu được tính với holidays {stored}, nay cài holidays {installed}.",
                               fix("calendar.recompute")))
    return warnings
