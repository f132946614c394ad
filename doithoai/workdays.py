"""The Vietnamese working-day calendar: a pure module (no database, no clock).

Built on `holidays.VN` (lunar Tết, Giỗ Tổ Hùng Vương, substitute days, the government swaps
the package knows, with their make-up Saturdays) plus the unit's override table. Working
days are precomputed once per span of years, with a running count per calendar day, so the
N-th working day after a date is two list lookups — cheap enough for a report over a
million petitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from doithoai.errors import DoithoaiError

MAX_DAYS = 500  # ~2 years of working days; anything larger is a typo, not a deadline
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

Unit = Literal["working", "calendar"]


@dataclass(frozen=True)
class Override:
    date: dt.date
    kind: Literal["off", "work"]  # a day off, or a (make-up) working day
    reason: str
    source: str = ""


@dataclass(frozen=True)
class Step:
    date: dt.date
    counted: bool
    count: int | None  # 1-based position among counted days
    reason: str  # why it was counted or skipped


def check_days(n: int) -> None:
    if n <= 0 or n > MAX_DAYS:
        raise DoithoaiError(
            f"Số ngày phải từ 1 đến {MAX_DAYS}, nhận được {n}.",
            "Nhập số ngày làm việc của thời hạn, ví dụ 15.",
        )


HolidayTable = Callable[[int, int], tuple[dict[dt.date, str], set[dt.date]]]


def vn_holidays(first_year: int, last_year: int) -> tuple[dict[dt.date, str], set[dt.date]]:
    """Public holidays (with Vietnamese names) and make-up working Saturdays from holidays.VN."""
    import holidays  # lazy: ~40 ms to import, ~30 ms more to compute a few years

    vn = holidays.VN(years=range(first_year, last_year + 1), language="vi")
    makeup = {d for d in vn.weekend_workdays if first_year <= d.year <= last_year}
    return dict(vn.items()), makeup


class WorkCalendar:
    """Working days for a span of years; grows itself when asked about dates outside it.

    `table` supplies the holidays and make-up days for a span of years (holidays.VN by
    default; deadlines.py passes a cached copy so ordinary commands never import holidays).
    """

    def __init__(self, overrides: Iterable[Override] = (), first_year: int = 2023, last_year: int | None = None,
                 table: HolidayTable = vn_holidays):
        self.overrides = {o.date: o for o in overrides}
        self._table = table
        # No clock here: the span starts small and grows itself when asked about later dates.
        last_year = last_year or first_year + 4
        self._build(first_year, last_year)

    def _build(self, first_year: int, last_year: int) -> None:
        self.first_year, self.last_year = first_year, last_year
        self._holidays, self._makeup = self._table(first_year, last_year)
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        off = {d.toordinal() for d in self._holidays}
        makeup = {d.toordinal() for d in self._makeup}
        forced = {d.toordinal(): o.kind == "work" for d, o in self.overrides.items()}
        work: list[int] = []
        # prefix[i]: how many working days fall on or before day start + i — so the N-th
        # working day after D is one subtraction and one index, no search.
        prefix: list[int] = []
        weekday = dt.date(first_year, 1, 1).weekday()
        for ordinal in range(start, end + 1):
            is_work = forced.get(ordinal)
            if is_work is None:
                is_work = (weekday < 5 and ordinal not in off) or ordinal in makeup
            if is_work:
                work.append(ordinal)
            prefix.append(len(work))
            weekday = (weekday + 1) % 7
        self._start = start
        self._work = work
        self._work_dates = [dt.date.fromordinal(o) for o in work]
        self._prefix = prefix
        self._work_set = set(work)

    def _cover(self, day: dt.date, margin_days: int = 0) -> None:
        lo = (day - dt.timedelta(days=margin_days)).year
        hi = (day + dt.timedelta(days=margin_days)).year
        if lo < self.first_year or hi > self.last_year:
            self._build(min(lo, self.first_year), max(hi, self.last_year))

    # -- questions -------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        self._cover(day)
        return day.toordinal() in self._work_set

    def reason(self, day: dt.date) -> str:
        """Why a day is or is not a working day, in Vietnamese."""
        self._cover(day)
        override = self.overrides.get(day)
        if override is not None:
            label = "Ngày nghỉ" if override.kind == "off" else "Ngày làm việc (làm bù)"
            src = f" — {override.source}" if override.source else ""
            return f"{label}: {override.reason}{src}"
        if day in self._holidays:
            return f"Ngày lễ: {self._holidays[day]}"
        if day in self._makeup:
            return f"Ngày làm bù ({WEEKDAY_NAMES[day.weekday()]})"
        if day.weekday() >= 5:
            return WEEKDAY_NAMES[day.weekday()]
        return "Ngày làm việc"

    def add_days(self, start: dt.date, n: int, *, before: bool = False, unit: Unit = "working") -> dt.date:
        """The N-th working day strictly after (or before) `start`.

        With unit='calendar' the N-th calendar day, moved to the next (or, counting
        backwards, previous) working day when it falls on a day off — as Bộ luật Dân sự
        art. 148 does for a deadline ending on a day off.
        """
        check_days(n)
        self._cover(start, margin_days=2 * n + 60)
        if unit == "calendar":
            day = start + dt.timedelta(days=-n if before else n)
            while not self.is_working_day(day):
                day += dt.timedelta(days=-1 if before else 1)
            return day
        count = self._prefix[start.toordinal() - self._start]  # working days on or before start
        if before:
            return self._work_dates[count - (start.toordinal() in self._work_set) - n]
        return self._work_dates[count + n - 1]

    def add_days_many(self, pairs: Iterable[tuple[dt.date, int]]) -> list[dt.date]:
        """The N-th working day after each date: the bulk form for reports over many rows."""
        pairs = list(pairs)
        if not pairs:
            return []
        for n in {n for _, n in pairs}:
            check_days(n)
        self._cover(min(d for d, _ in pairs))
        self._cover(max(d for d, _ in pairs), margin_days=2 * max(n for _, n in pairs) + 60)
        prefix, dates, base = self._prefix, self._work_dates, self._start
        return [dates[prefix[d.toordinal() - base] + n - 1] for d, n in pairs]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start)
        self._cover(end)
        return self._prefix[end.toordinal() - self._start] - self._prefix[start.toordinal() - self._start]

    def explain(self, start: dt.date, n: int, *, before: bool = False, unit: Unit = "working") -> list[Step]:
        """Walk day by day from `start` to its N-th working (or calendar) day."""
        due = self.add_days(start, n, before=before, unit=unit)
        step = dt.timedelta(days=-1 if before else 1)
        steps: list[Step] = []
        count = 0
        day = start + step
        while True:
            working = self.is_working_day(day)
            if unit == "calendar":
                count += 1
                counted = True
            else:
                counted = working
                count += counted
            steps.append(Step(day, counted, count if counted else None, self.reason(day)))
            if day == due:
                return steps
            day += step
