"""The unit's calendar as services see it: holidays, the shipped swaps, the unit's own days off
and make-up days, and the open deadlines that every change of the calendar moves."""

from __future__ import annotations

import datetime as dt

from case import HELD, SESSION, add, refused, row, write

from doithoai import deadlines, overrides
from doithoai import petition_actions as actions
from doithoai.importing.overrides import import_overrides

D = dt.date


def test_working_days_skip_holidays_and_weekends(unit_db):
    cal = deadlines.load_calendar(unit_db)
    steps = cal.explain(D(2023, 8, 31), 1)
    assert steps[-1].date == D(2023, 9, 5) and steps[-1].counted
    assert [(s.date.isoformat(), s.reason) for s in steps if not s.counted] == [
        ("2023-09-01", "Ngày lễ: Quốc khánh"), ("2023-09-02", "Ngày lễ: Quốc khánh"),
        ("2023-09-03", "Chủ nhật"), ("2023-09-04", "Ngày lễ: Quốc khánh (nghỉ bù)")]
    assert cal.add_days(D(2023, 9, 14), 7, before=True) == D(2023, 9, 5)
    walk = cal.explain(D(2024, 5, 2), 2)
    assert [(s.date.isoformat(), s.counted) for s in walk] == [("2024-05-03", True), ("2024-05-04", True)]
    assert "làm bù" in walk[1].reason.lower()


def test_shipped_2026_new_year_swap(unit_db):
    assert deadlines.load_calendar(unit_db).add_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    by_date = {r["date"]: r for r in overrides.year_listing(unit_db, 2026)}
    assert by_date["2026-01-02"]["kind"] == "day_off"
    assert "12729/VPCP-KGVX" in by_date["2026-01-02"]["origin"]
    assert by_date["2026-01-10"]["kind"] == "workday"
    assert by_date["2026-02-17"]["kind"] == "day_off"  # Tết, from the holidays package


def test_a_day_off_moves_stored_deadlines_and_removing_it_moves_them_back(case_db):
    db = case_db
    pid = add(db)
    write(db, actions.assign, HELD, pid, "TNMT")
    moved = write(db, overrides.add_override, D(2023, 9, 15), "off", "Nghỉ đột xuất do bão", "QĐ 12/QĐ-UBND")
    assert {"kind": "petition", "id": pid, "code": "", "what": "due_on", "old": "2023-10-05", "new": "2023-10-06"} in moved
    assert {(m["what"], m["old"], m["new"]) for m in moved if m["kind"] == "session"} >= {
        ("review_by", "2023-09-21", "2023-09-22"), ("answer_due", "2023-10-05", "2023-10-06")}
    assert row(db, pid)["due_on"] == "2023-10-06"
    assert db.row("SELECT answer_due FROM sessions WHERE code = ?", [SESSION])["answer_due"] == "2023-10-06"
    moved = write(db, overrides.remove_override, D(2023, 9, 15))
    assert ("2023-10-06", "2023-10-05") in {(m["old"], m["new"]) for m in moved}
    assert row(db, pid)["due_on"] == "2023-10-05"


def test_make_up_workday_override(unit_db):
    write(unit_db, overrides.add_override, D(2023, 9, 16), "work", "Làm bù")
    assert deadlines.load_calendar(unit_db).add_days(D(2023, 9, 15), 1) == D(2023, 9, 16)


def test_manual_due_date_is_not_recomputed(case_db):
    pid = add(case_db)
    write(case_db, actions.assign, HELD, pid, "TNMT", due=D(2023, 10, 20))
    write(case_db, overrides.add_override, D(2023, 9, 15), "off", "Nghỉ đột xuất")
    assert row(case_db, pid)["due_on"] == "2023-10-20"


def test_refused_overrides_change_nothing(unit_db):
    db = unit_db
    refused(db, "vốn đã là ngày nghỉ", overrides.add_override, D(2023, 9, 16), "off", "x")
    refused(db, "vốn đã là ngày làm việc", overrides.add_override, D(2023, 9, 18), "work", "x")
    refused(db, "Thiếu lý do", overrides.add_override, D(2023, 9, 18), "off", " ")
    refused(db, "không có điều chỉnh", overrides.remove_override, D(2023, 9, 18))
    write(db, overrides.add_override, D(2023, 9, 18), "off", "Nghỉ đột xuất")
    err = refused(db, "đã được điều chỉnh là ngày nghỉ", overrides.add_override, D(2023, 9, 18), "off", "lần hai")
    assert err.fix.action == "calendar.remove_first"


def test_unconfirmed_years_are_named(unit_db):
    assert [n.fix.args for n in overrides.check(unit_db, D(2026, 11, 28))] == [{"year": 2027}]
    write(unit_db, overrides.confirm_year, 2027, "Công văn 999/VPCP-KGVX")
    assert overrides.check(unit_db, D(2026, 11, 28)) == []
    refused(unit_db, "Thiếu văn bản căn cứ", overrides.confirm_year, 2028, " ")


def test_a_years_schedule_loads_and_moves_deadlines(case_db, isolated):
    db = case_db
    pid = add(db)
    write(db, actions.assign, HELD, pid, "TNMT")
    sheet = isolated / "lich.csv"
    sheet.write_text("Ngày,Loại,Lý do,Văn bản\n15/09/2023,nghỉ,Nghỉ bù,CV 1/VPCP\n2023-09-23,làm bù,Làm bù cho 15/09,CV 1/VPCP\n",
                     encoding="utf-8")
    moved = write(db, import_overrides, sheet)
    # 15/9 off, Saturday 23/9 worked: review (5 days) 18–22/9 → 22/9 instead of 21/9; the answer
    # (15 days) loses the 15th and gains the 23rd, so it stays Thursday 5/10.
    assert [(m["what"], m["old"], m["new"]) for m in moved] == [("review_by", "2023-09-21", "2023-09-22")]
    by_date = {r["date"]: r for r in overrides.year_listing(db, 2023)}
    assert by_date["2023-09-15"]["kind"] == "day_off" and "CV 1/VPCP" in by_date["2023-09-15"]["origin"]
    assert by_date["2023-09-23"]["kind"] == "workday"
    assert row(db, pid)["due_on"] == "2023-10-05"
    refused(db, "đã được điều chỉnh trước đó", import_overrides, sheet)
