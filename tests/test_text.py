"""Normalisation of what people type: folding, dates, phone numbers (with properties)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doithoai.errors import DoithoaiError
from doithoai.text import fold, normalise_phone, parse_date, vn_long_date


@pytest.mark.parametrize("text,expected", [
    ("Đất đai", "dat dai"), ("ĐẤT  ĐAI", "dat dai"), ("Thu hồi đất, GPMB", "thu hoi dat, gpmb"),
    ("Lò Văn Thắng", "lo van thang"), (unicodedata.normalize("NFD", "Hoàng Thị Mai"), "hoang thi mai"),
])
def test_fold(text, expected):
    assert fold(text) == expected


@given(st.text())
def test_fold_is_idempotent_and_has_no_vietnamese_marks(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert "đ" not in folded and "Đ" not in folded
    assert not any(unicodedata.combining(c) for c in folded)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_dates_round_trip_in_every_accepted_form(day):
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}"):
        assert parse_date(text) == day


@pytest.mark.parametrize("bad", ["31/02/2023", "2023-13-01", "00/01/2023", "hôm qua", "", "2023/01/01/01"])
def test_bad_dates(bad):
    with pytest.raises(DoithoaiError):
        parse_date(bad)


def test_long_date_pads_day_and_early_months():
    assert vn_long_date(dt.date(2026, 2, 5), "Khoen On") == "Khoen On, ngày 05 tháng 02 năm 2026"
    assert vn_long_date(dt.date(2023, 9, 14)) == "ngày 14 tháng 9 năm 2023"


@pytest.mark.parametrize("raw,expected", [
    ("+84 977 123 456", "0977123456"), ("0977.123.456", "0977123456"), ("977123456", "0977123456"),
    ("84977123456", "0977123456"), ("(0213) 3789 456", "02133789456"), ("2133789456", "02133789456"),
    ("977123456.0", "0977123456"), ("", ""),
])
def test_phone(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("bad", ["12345", "0123456789", "abc", "09771234567"])
def test_bad_phone(bad):
    with pytest.raises(DoithoaiError):
        normalise_phone(bad)


@given(st.sampled_from("35789"), st.text("0123456789", min_size=8, max_size=8),
       st.sampled_from(["0{}", "+84{}", "+84 {}", "84{}", "{}"]))
def test_any_mobile_written_any_way_normalises_to_ten_digits(prefix, rest, form):
    number = prefix + rest
    spaced = f"{number[:2]} {number[2:5]} {number[5:]}"
    assert normalise_phone(form.format(spaced)) == "0" + number


def test_dates_with_stray_spaces_and_decomposed_digits():
    assert parse_date(" 5/9/2023 ") == dt.date(2023, 9, 5)
    assert parse_date("05/09/2023") == dt.date(2023, 9, 5)
    with pytest.raises(DoithoaiError, match="không tồn tại"):
        parse_date("31/02/2023")
