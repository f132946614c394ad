"""The unit's settings as services see them: what setting up a unit guesses, what running it
again keeps, and a deadline rule that changes moves every open deadline at once."""

from __future__ import annotations

from case import HELD, add, refused, row, write

from doithoai import petition_actions as actions
from doithoai import recompute, settings
from doithoai.base import open_base


def test_a_new_unit_guesses_its_style_place_and_signer_line(tmp_path):
    db = open_base(tmp_path / "xa.db")
    write(db, settings.initialise, unit="Ủy ban nhân dân xã Khoen On", level="xa")
    values = settings.get_all(db)
    assert (values["unit.style"], values["unit.place"], values["unit.symbol"]) == ("state", "Khoen On", "UBND")
    assert values["unit.signer_on_behalf"] == "TM. ỦY BAN NHÂN DÂN"
    party = open_base(tmp_path / "dang-uy.db")
    write(party, settings.initialise, unit="Đảng ủy xã Mường Kim", level="xa", parent="Huyện ủy Than Uyên")
    values = settings.get_all(party)
    assert (values["unit.style"], values["unit.symbol"], values["unit.place"]) == ("party", "ĐU", "Mường Kim")
    assert values["unit.signer_on_behalf"] == "T/M BAN THƯỜNG VỤ"
    assert (values["unit.escalate_to"], values["unit.superior"]) == ("Huyện ủy Than Uyên", "ĐẢNG BỘ HUYỆN THAN UYÊN")


def test_setting_up_again_keeps_what_is_not_given(unit_db):
    write(unit_db, settings.initialise, unit="Huyện ủy Than Uyên", level="huyen")
    values = settings.get_all(unit_db)
    assert values["unit.signer_name"] == "Lê Thị Kim Ngân"  # not given the second time: kept
    assert (values["unit.style"], values["unit.symbol"], values["unit.place"]) == ("party", "HU", "Than Uyên")


def test_a_changed_deadline_rule_moves_the_open_deadlines(case_db):
    db = case_db
    pid = add(db)
    write(db, actions.assign, HELD, pid, "TNMT")
    old, new, moved = write(db, recompute.change_setting, "deadline.answer_days", "10")
    assert (old, new) == ("15", "10")
    assert {"kind": "petition", "id": pid, "code": "", "what": "due_on", "old": "2023-10-05", "new": "2023-09-28"} in moved
    write(db, recompute.change_setting, "deadline.answer_unit", "calendar")
    # 10 calendar days after 14/9/2023 is Sunday 24/9 → next working day Mon 25/9.
    assert row(db, pid)["due_on"] == "2023-09-25"
    assert write(db, recompute.change_setting, "deadline.answer_unit", "calendar")[2] == []  # unchanged: nothing moves
    assert write(db, recompute.change_setting, "remind.interval_days", "3")[2] is None  # not a deadline rule


def test_bad_settings_are_refused(unit_db):
    refused(unit_db, "Giá trị", settings.set_value, "deadline.answer_unit", "weeks")
    refused(unit_db, "không hợp lệ", settings.set_value, "deadline.notice_days", "0")
    refused(unit_db, "Không có thiết lập 'unit.colour'", settings.set_value, "unit.colour", "xanh")
    refused(unit_db, "đã được tách làm hai", settings.set_value, "unit.parent", "Tỉnh ủy Lai Châu")
