"""The one status model of a petition: statuses, labels, the open set, transitions, overdue.

Every listing, report, reminder and document asks this module; nothing else spells a status
list or the overdue rule.

Lifecycle: new → assigned → answered | transferred | escalated → closed (reopen goes back).
Two statuses take a petition out of every count, report and document while keeping it in
history: `withdrawn` (rút đơn, or entered by mistake) and `duplicate` (merged into another).

Overdue = open (new or assigned: no written answer, not transferred, escalated or closed)
and past its due date; it is overdue from the day after the due date, and `days_overdue`
counts the working days after the due date up to and including the as-of date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

LABELS = {
    "new": "Mới tiếp nhận",
    "assigned": "Đã giao",
    "answered": "Đã trả lời",
    "transferred": "Đã chuyển",
    "escalated": "Đã trình cấp trên",
    "closed": "Đã đóng",
    "withdrawn": "Đã rút / nhập nhầm",
    "duplicate": "Trùng, đã gộp",
}
STATUSES = tuple(LABELS)
OPEN = ("new", "assigned")  # still waiting for a result: counted in overdue and due-soon
DONE = ("answered", "transferred", "escalated")  # a result is recorded; may be closed
SET_ASIDE = ("withdrawn", "duplicate")  # kept in history, out of every count
COUNTED = tuple(s for s in STATUSES if s not in SET_ASIDE)

# status → the statuses a petition may move to from it (by which action, see petition_actions.py)
TRANSITIONS = {
    "new": ("assigned", "answered", "transferred", "escalated", "withdrawn", "duplicate"),
    "assigned": ("assigned", "answered", "transferred", "escalated", "withdrawn", "duplicate"),
    "answered": ("closed", "new", "assigned", "withdrawn"),
    "transferred": ("closed", "new", "assigned", "withdrawn"),
    "escalated": ("closed", "new", "assigned", "withdrawn"),
    "closed": ("new", "assigned", "withdrawn"),
    "withdrawn": COUNTED,  # restore: back to the status it had
    "duplicate": OPEN,  # unmerge: only an open petition is merged
}


def can_move(status: str, to: str) -> bool:
    return to in TRANSITIONS.get(status, ())


def check_move(pid: int, status: str, to: str) -> None:
    """The one guard every status change passes (a service bug, not user input, if it fails)."""
    if not can_move(status, to):
        from doithoai.errors import InvalidTransition, fix

        raise InvalidTransition(f"Kiến nghị số {pid} không thể chuyển từ '{LABELS[status]}' sang '{LABELS[to]}'.",
                                fix=fix("petition.show"))


def in_list(statuses: tuple[str, ...]) -> str:
    """SQL literal list of known statuses, e.g. ('new','assigned'): constants only, never user input."""
    assert all(s in LABELS for s in statuses)
    return "(" + ",".join(f"'{s}'" for s in statuses) + ")"


def open_sql(alias: str = "p") -> str:
    """SQL predicate: the petition is open."""
    return f"{alias}.status IN {in_list(OPEN)}"


def counted_sql(alias: str = "p") -> str:
    """SQL predicate: the petition counts (not withdrawn, not merged as a duplicate)."""
    return f"{alias}.status NOT IN {in_list(SET_ASIDE)}"


def overdue_sql(alias: str = "p") -> str:
    """SQL predicate with one parameter, the as-of date (ISO): open and past its due date."""
    return f"{open_sql(alias)} AND {alias}.due_on < ?"


def is_open(status: str) -> bool:
    return status in OPEN


def is_overdue(status: str, due_on: str | None, as_of: dt.date) -> bool:
    return _late(status, due_on, as_of.isoformat())


def _late(status: str, due_on: str | None, as_of_iso: str) -> bool:
    return bool(due_on) and status in OPEN and due_on < as_of_iso  # type: ignore[operator]


class DaysOverdue:
    """days_overdue as of one day, for many rows: counted once per due date, over a calendar
    asked for (`calendar()`) only when a row is late, so a listing with none loads none.
    Call it with a row's status and due date; `of_due` for a row already selected by
    overdue_sql."""

    def __init__(self, calendar: Callable[[], Any], as_of: dt.date):
        self._calendar = calendar
        self._cal: Any = None
        self.as_of, self._as_of_iso = as_of, as_of.isoformat()
        self._by_due: dict[str, int] = {}

    def __call__(self, status: str, due_on: str | None) -> int:
        # _late, written out: a listing calls this for each of a million rows
        if due_on and status in OPEN and due_on < self._as_of_iso:
            days = self._by_due.get(due_on)
            return self.of_due(due_on) if days is None else days
        return 0

    def of_due(self, due_on: str) -> int:
        days = self._by_due.get(due_on)
        if days is None:
            if self._cal is None:
                self._cal = self._calendar()
            days = self._by_due[due_on] = self._cal.working_days_between(dt.date.fromisoformat(due_on), self.as_of)
        return days


def days_overdue(calendar, status: str, due_on: str | None, as_of: dt.date) -> int:
    """Working days after due_on up to and including as_of; 0 when not overdue."""
    return DaysOverdue(lambda: calendar, as_of)(status, due_on)


def add_days_overdue(calendar, rows: list[dict], as_of: dt.date) -> None:
    """Set r["days_overdue"] on every row (rows carry status and due_on); one computation per due date."""
    late = DaysOverdue(lambda: calendar, as_of)
    for r in rows:
        r["days_overdue"] = late(r["status"], r.get("due_on"))
