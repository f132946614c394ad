"""Deadline rules and the unit's working calendar they count on.

A rule (`RULES`, its days and unit in the settings `deadline.<name>_days/_unit`) gives a due
date from a start date over the calendar: holidays.VN plus the unit's overrides, built once
per connection and calendar revision. Every change to the calendar bumps the revision;
stored deadlines carry the revision that produced them (recompute.py brings them up to date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from doithoai import settings
from doithoai.holidays_cache import cached_vn_holidays
from doithoai.text import vn_date
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


def calendar_rev(db) -> int:
    return int(settings.get(db, "calendar.rev") or 0)


def bump_calendar_rev(db) -> int:
    rev = calendar_rev(db) + 1
    settings.put(db, "calendar.rev", str(rev))
    return rev


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
