"""The working-day engine against hand-checked dates (2023–2026) and its properties."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from doithoai.shipped import OVERRIDES
from doithoai.workdays import Override, WorkCalendar

D = dt.date
SHIPPED = [Override(d, k, r, s) for d, k, r, s, _ in OVERRIDES]
CAL = WorkCalendar(SHIPPED, first_year=2022, last_year=2027)

# (start, n, before, expected, why) — each worked out by hand from the official calendars.
CASES = [
    (D(2023, 1, 19), 1, False, D(2023, 1, 27), "Tết 2023: off Fri 20/1 – Thu 26/1"),
    (D(2023, 1, 16), 5, False, D(2023, 1, 30), "Tết 2023: 17, 18, 19, then 27, 30"),
    (D(2024, 2, 7), 1, False, D(2024, 2, 15), "Tết 2024: off Thu 8/2 – Wed 14/2"),
    (D(2024, 2, 15), 3, True, D(2024, 2, 5), "Tết 2024 backwards: 7, 6, 5 Feb"),
    (D(2025, 1, 24), 1, False, D(2025, 2, 3), "Tết 2025: off Sat 25/1 – Sun 2/2"),
    (D(2025, 2, 10), 7, True, D(2025, 1, 23), "Tết 2025 backwards: 7, 6, 5, 4, 3 Feb, 24, 23 Jan"),
    (D(2026, 2, 13), 1, False, D(2026, 2, 23), "Tết 2026: off Sat 14/2 – Sun 22/2"),
    (D(2023, 4, 28), 1, False, D(2023, 5, 4), "30/4 2023: substitute days Tue 2 and Wed 3 May"),
    (D(2024, 4, 26), 1, False, D(2024, 5, 2), "30/4 2024: off Mon 29/4 (swap), 30/4, 1/5"),
    (D(2024, 5, 2), 2, False, D(2024, 5, 4), "2024: make-up Saturday 4/5 counts"),
    (D(2025, 4, 25), 1, False, D(2025, 4, 26), "2025: make-up Saturday 26/4 counts"),
    (D(2025, 4, 29), 1, False, D(2025, 5, 5), "30/4 2025: off 30/4, 1/5 and Fri 2/5 (swap)"),
    (D(2023, 8, 31), 1, False, D(2023, 9, 5), "2/9 2023 on a Saturday: off 1/9 and Mon 4/9"),
    (D(2023, 9, 14), 7, True, D(2023, 9, 5), "notice: 7 working days before 14/9/2023"),
    (D(2023, 9, 14), 5, False, D(2023, 9, 21), "review: 5 working days after 14/9/2023"),
    (D(2023, 9, 14), 15, False, D(2023, 10, 5), "answer: 15 working days after 14/9/2023"),
    (D(2023, 9, 14), 30, False, D(2023, 10, 26), "complex: 30 working days after 14/9/2023"),
    (D(2025, 12, 31), 1, False, D(2026, 1, 5), "New Year 2026: off Thu 1/1 and Fri 2/1 (12729/VPCP-KGVX)"),
    (D(2026, 1, 5), 5, False, D(2026, 1, 10), "New Year 2026: make-up Saturday 10/1 counts"),
    (D(2024, 4, 17), 1, False, D(2024, 4, 19), "Giỗ Tổ 2024: Thu 18/4"),
    (D(2025, 4, 4), 1, False, D(2025, 4, 8), "Giỗ Tổ 2025: Mon 7/4"),
    (D(2026, 4, 24), 1, False, D(2026, 4, 28), "Giỗ Tổ 2026 on Sunday 26/4: off Mon 27/4"),
    (D(2026, 4, 24), 3, False, D(2026, 5, 4), "2026: 28, 29 Apr, then 30/4 and 1/5 off, Mon 4/5"),
    (D(2024, 8, 30), 1, False, D(2024, 9, 4), "2/9 2024: off Mon 2/9 and Tue 3/9"),
    (D(2025, 8, 29), 1, False, D(2025, 9, 3), "2/9 2025: off Mon 1/9 and Tue 2/9"),
    (D(2026, 8, 28), 1, False, D(2026, 9, 3), "2/9 2026: off Mon 31/8 (swap), 1/9, 2/9"),
    (D(2026, 8, 21), 1, False, D(2026, 8, 22), "2026: make-up Saturday 22/8 counts"),
    # Before Mon 30/1/2023: Fri 27/1 (1), Tết 20–26/1 and the weekends skipped, 19 (2), 18, 17, 16 (5).
    (D(2023, 1, 30), 5, True, D(2023, 1, 16), "backwards over Tết 2023: 27, 19, 18, 17, 16 Jan"),
]


@pytest.mark.parametrize("start,n,before,expected,why", CASES, ids=[c[4] for c in CASES])
def test_hand_checked(start, n, before, expected, why):
    assert CAL.add_days(start, n, before=before) == expected, why


def test_at_least_25_hand_checked_cases():
    assert len(CASES) >= 25


def test_make_up_saturdays_are_working_days():
    for day in (D(2024, 5, 4), D(2025, 4, 26), D(2026, 1, 10), D(2026, 8, 22)):
        assert CAL.is_working_day(day), day
    assert not CAL.is_working_day(D(2024, 5, 11))  # an ordinary Saturday


def test_without_the_shipped_swap_2_january_2026_would_count():
    bare = WorkCalendar([], first_year=2025, last_year=2026)
    assert bare.add_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert CAL.add_days(D(2025, 12, 31), 1) == D(2026, 1, 5)


def test_a_clerks_day_off_moves_the_deadline():
    extra = WorkCalendar([*SHIPPED, Override(D(2023, 9, 15), "off", "Nghỉ đột xuất", "QĐ 1/QĐ-UBND")], 2023, 2024)
    assert extra.add_days(D(2023, 9, 14), 15) == D(2023, 10, 6)
    assert "QĐ 1/QĐ-UBND" in extra.reason(D(2023, 9, 15))


def test_working_days_between_counts_the_overdue_days():
    # due Thu 5/10/2023; as of Fri 20/10/2023: 6, 9–13, 16–20 → 11
    assert CAL.working_days_between(D(2023, 10, 5), D(2023, 10, 20)) == 11
    assert CAL.working_days_between(D(2023, 10, 5), D(2023, 10, 5)) == 0


def test_explain_lists_skipped_days_with_reasons():
    steps = CAL.explain(D(2023, 8, 31), 1)
    assert [s.date for s in steps] == [D(2023, 9, 1), D(2023, 9, 2), D(2023, 9, 3), D(2023, 9, 4), D(2023, 9, 5)]
    assert [s.counted for s in steps] == [False, False, False, False, True]
    assert "Quốc khánh" in steps[0].reason
    assert steps[2].reason == "Chủ nhật"


def test_calendar_days_unit_moves_off_a_day_off():
    # 15 calendar days after 14/9/2023 is Fri 29/9/2023, a working day.
    assert CAL.add_days(D(2023, 9, 14), 15, unit="calendar") == D(2023, 9, 29)
    # 3 calendar days after Wed 30/8/2023 is Sat 2/9 (holiday) → next working day Tue 5/9.
    assert CAL.add_days(D(2023, 8, 30), 3, unit="calendar") == D(2023, 9, 5)


def test_grows_beyond_its_initial_years():
    small = WorkCalendar([], first_year=2024, last_year=2024)
    assert small.add_days(D(2024, 12, 30), 5) == D(2025, 1, 7)  # 31/12, 2/1, 3/1, 6/1, 7/1 (1/1 off)


def test_same_results_as_holidays_get_nth_working_day():
    vn = holidays.VN(years=range(2023, 2027))
    bare = WorkCalendar([], 2023, 2026)
    for start in (D(2023, 1, 3), D(2024, 4, 25), D(2025, 4, 24), D(2026, 2, 10)):
        for n in (1, 5, 15, 30):
            assert bare.add_days(start, n) == vn.get_nth_working_day(start, n)


working_day = st.dates(D(2023, 1, 1), D(2026, 10, 31)).filter(CAL.is_working_day)


@settings(max_examples=300, deadline=None)
@given(working_day, st.integers(1, 120))
def test_forward_then_back_returns(day, n):
    assert CAL.add_days(CAL.add_days(day, n), n, before=True) == day


@settings(max_examples=300, deadline=None)
@given(st.dates(D(2023, 1, 1), D(2026, 10, 31)), st.integers(1, 120))
def test_count_between_a_day_and_its_nth_working_day_is_n(day, n):
    assert CAL.working_days_between(day, CAL.add_days(day, n)) == n


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(d for d in holidays.VN(years=range(2023, 2027)).weekend_workdays if 2023 <= d.year <= 2026)))
def test_make_up_saturdays_count_in_steps(saturday):
    before = CAL.add_days(saturday, 1, before=True)
    assert CAL.add_days(before, 1) == saturday


def test_the_holidays_cache_returns_what_the_package_computes(tmp_path, monkeypatch):
    from doithoai.holidays_cache import cached_vn_holidays
    from doithoai.workdays import vn_holidays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    computed = cached_vn_holidays(2023, 2027)  # computes, then writes the cache
    assert list(tmp_path.rglob("holidays-vn-*.json"))
    assert cached_vn_holidays(2023, 2027) == computed == vn_holidays(2023, 2027)
    assert cached_vn_holidays(2025, 2026) == vn_holidays(2025, 2026)  # a sub-span, from the cache


def test_an_unwritable_cache_only_costs_speed(tmp_path, monkeypatch):
    from doithoai.holidays_cache import cached_vn_holidays
    from doithoai.workdays import vn_holidays

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert cached_vn_holidays(2024, 2024) == vn_holidays(2024, 2024)
