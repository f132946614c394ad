"""Domain rules called as a script would: services on a copied base, no CLI in between.

The base is the `session` template (a party unit, three agencies, a session on 14/09/2023),
opened with `base.open_base`; each write runs in `db.transaction` as the CLI runs it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from doithoai import deadlines, petition_actions, petition_listing, petitions, sessions, statuses
from doithoai.db import transaction
from doithoai.errors import DoithoaiError, InvalidTransition

SESSION = "2023-khoen-on"
HELD = dt.date(2023, 9, 14)


def add(db, name="Lò Văn Thắng", content="Đề nghị cấp giấy chứng nhận quyền sử dụng đất", **extra) -> int:
    with transaction(db):
        return petitions.add(db, dt.date(2023, 9, 5), session=SESSION, name=name, content=content, **extra)["id"]


def test_a_new_petition_is_open_and_listed(case_db):
    pid = add(case_db, phone="0912 345 678")
    [row] = petition_listing.list_rows(case_db, as_of=HELD, session=SESSION)
    assert row["id"] == pid and row["status"] == "new" and row["status"] in statuses.OPEN
    assert row["phone"] == "0912345678"  # one phone rule for every intake path


def test_a_speaking_number_is_given_once(case_db):
    add(case_db, speak=True, order=1)
    with pytest.raises(DoithoaiError, match="thứ tự phát biểu 1"):
        add(case_db, name="Lò Thị Hoa", content="Đề nghị sửa đường", speak=True, order=1)
    assert len(petition_listing.list_rows(case_db, as_of=HELD, session=SESSION)) == 1  # nothing half-written


def test_assign_sets_a_working_day_due_date_and_overdue_counts_from_the_next_day(case_db):
    pid = add(case_db)
    with transaction(case_db):
        petition_actions.assign(case_db, HELD, pid, "TNMT")
    row = petition_listing.show(case_db, pid, HELD)
    due = dt.date.fromisoformat(row["due_on"])
    calendar = deadlines.load_calendar(case_db)
    assert due > HELD and calendar.is_working_day(due)
    assert not petition_listing.list_rows(case_db, as_of=due, overdue=True)
    after = calendar.add_days(due, 1)
    [late] = petition_listing.list_rows(case_db, as_of=after, overdue=True)
    assert late["id"] == pid and late["days_overdue"] == 1


def hold(db) -> None:
    with transaction(db):
        sessions.advance(db, SESSION, "held", HELD, HELD)


def test_an_answer_at_the_meeting_waits_for_the_meeting(case_db):
    pid = add(case_db)
    with pytest.raises(InvalidTransition, match="chưa diễn ra"), transaction(case_db):
        petition_actions.answer(case_db, HELD, pid, written=False, summary="Đã giải thích", resolved=True)


def test_a_resolved_answer_ends_the_wait(case_db):
    pid = add(case_db)
    hold(case_db)
    with transaction(case_db):
        petition_actions.assign(case_db, HELD, pid, "TNMT")
        petition_actions.answer(case_db, HELD, pid, written=False, summary="Đã giải thích tại hội nghị", resolved=True)
    row = petition_listing.show(case_db, pid, HELD + dt.timedelta(days=400))
    assert row["status"] not in statuses.OPEN
    assert not petition_listing.list_rows(case_db, as_of=HELD + dt.timedelta(days=400), overdue=True)


def test_a_closed_petition_cannot_be_assigned(case_db):
    pid = add(case_db)
    hold(case_db)
    with transaction(case_db):
        petition_actions.assign(case_db, HELD, pid, "TNMT")
        petition_actions.answer(case_db, HELD, pid, written=False, summary="Đã giải thích", resolved=True)
        petition_actions.close(case_db, HELD, pid)
    with pytest.raises(InvalidTransition), transaction(case_db):
        petition_actions.assign(case_db, HELD, pid, "LDTBXH")


def test_the_calendar_cache_follows_the_calendar_revision(case_db):
    first = deadlines.load_calendar(case_db)
    assert deadlines.load_calendar(case_db) is first  # one build per connection
    assert case_db.calendar == (deadlines.calendar_rev(case_db), first)
