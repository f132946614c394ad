"""Days overdue have one home (statuses.DaysOverdue): listings, reports, reminders and the
dashboard ask it rather than counting working days from a due date themselves."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from doithoai import statuses
from doithoai.workdays import WorkCalendar

PACKAGE = Path(__file__).resolve().parent.parent / "doithoai"
# counting working days from a due date up to the as-of date: what days_overdue is
COUNTS_FROM_DUE = re.compile(r"working_days_between\(\s*dt\.date\.fromisoformat\(\s*(r\[\")?due")


def test_only_the_status_model_counts_days_overdue():
    found = [f"{path.relative_to(PACKAGE)}:{text[:m.start()].count(chr(10)) + 1}"
             for path in PACKAGE.rglob("*.py") if path.name != "statuses.py"
             for text in [path.read_text(encoding="utf-8")] for m in COUNTS_FROM_DUE.finditer(text)]
    assert not found, found


def test_days_overdue_counts_once_per_due_date_and_loads_no_calendar_when_none_is_late():
    loads = []

    def calendar():
        loads.append(1)
        return WorkCalendar([], first_year=2023)

    late = statuses.DaysOverdue(calendar, dt.date(2023, 10, 9))
    assert late("assigned", "2023-10-09") == 0 and late("answered", "2023-09-01") == 0 and late("new", None) == 0
    assert not loads  # nothing late yet: no calendar
    assert late("new", "2023-10-05") == 2  # Fri 6 and Mon 9
    assert late("assigned", "2023-10-05") == 2 and late.of_due("2023-10-04") == 3
    assert len(loads) == 1
    rows = [{"status": "assigned", "due_on": "2023-10-05"}, {"status": "closed", "due_on": "2023-10-05"}, {"status": "new"}]
    statuses.add_days_overdue(WorkCalendar([], first_year=2023), rows, dt.date(2023, 10, 9))
    assert [r["days_overdue"] for r in rows] == [2, 0, 0]
