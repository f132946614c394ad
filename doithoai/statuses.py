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
    if not due_on or status not in OPEN:
        return False
    return due_on < as_of.isoformat()


def days_overdue(calendar, status: str, due_on: str | None, as_of: dt.date) -> int:
    """Working days after due_on up to and including as_of; 0 when not overdue."""
    if due_on is None or not is_overdue(status, due_on, as_of):
        return 0
    return calendar.working_days_between(dt.date.fromisoformat(due_on), as_of)


def add_days_overdue(calendar, rows: list[dict], as_of: dt.date) -> None:
    """Set r["days_overdue"] on every row (rows carry status and due_on); one computation per due date."""
    cache: dict[str, int] = {}
    for r in rows:
        due = r.get("due_on")
        if due is None or not is_overdue(r["status"], due, as_of):
            r["days_overdue"] = 0
            continue
        if due not in cache:
            cache[due] = calendar.working_days_between(dt.date.fromisoformat(due), as_of)
        r["days_overdue"] = cache[due]
