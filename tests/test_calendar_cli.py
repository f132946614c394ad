"""`doithoai calendar …` through the real CLI on a real database: the shapes and messages a
clerk reads. The calendar's rules are checked on the services in test_calendar.py."""

from __future__ import annotations

from conftest import add_petition, dump


def test_due_json_shape_and_skipped_days(unit):
    data = unit.json("calendar", "due", "31/08/2023", "1")
    assert data == {
        "from": "2023-08-31", "days": 1, "direction": "after", "unit": "working", "due": "2023-09-05",
        "skipped": [
            {"date": "2023-09-01", "reason": "Ngày lễ: Quốc khánh"},
            {"date": "2023-09-02", "reason": "Ngày lễ: Quốc khánh"},
            {"date": "2023-09-03", "reason": "Chủ nhật"},
            {"date": "2023-09-04", "reason": "Ngày lễ: Quốc khánh (nghỉ bù)"},
        ],
    }


def test_due_before_in_a_table(unit):
    out = unit("calendar", "due", "2023-09-14", "7", "--before").stdout
    assert "Thứ Ba 05/09/2023 — ngày làm việc thứ 7 trước ngày 14/09/2023" in out
    assert "10/09/2023  Chủ nhật" in out


def test_list_and_explain_as_json(unit):
    by_date = {r["date"]: r for r in unit.json("calendar", "list", "--year", "2026")}
    assert set(by_date["2026-01-02"]) >= {"date", "weekday", "kind", "description", "origin"}
    assert by_date["2026-01-02"]["kind"] == "day_off" and by_date["2026-01-10"]["kind"] == "workday"
    rows = unit.json("calendar", "explain", "2024-05-02", "2")
    assert [(r["date"], r["counted"]) for r in rows] == [("2024-05-03", True), ("2024-05-04", True)]
    unit("calendar", "add-workday", "2023-09-16", "--reason", "Làm bù")
    assert unit.json("calendar", "due", "2023-09-15", "1")["due"] == "2023-09-16"


def test_override_moves_stored_deadlines_and_says_which(cli, session, db_path):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-05"

    result = cli("calendar", "add-day-off", "15/09/2023", "--reason", "Nghỉ đột xuất do bão", "--source", "QĐ 12/QĐ-UBND")
    assert f"Kiến nghị số {pid}: hạn trả lời 05/10/2023 → 06/10/2023" in result.stderr
    assert "hạn thông báo kết luận 21/09/2023 → 22/09/2023" in result.stderr
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-06"
    session_row = cli.json("session", "list")[0]
    assert session_row["answer_due"] == "2023-10-06"

    result = cli("calendar", "remove", "2023-09-15")
    assert "06/10/2023 → 05/10/2023" in result.stderr
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-05"


def test_a_due_date_typed_with_due_stays_when_the_calendar_changes(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT", "--due", "20/10/2023")
    cli("calendar", "add-day-off", "2023-09-15", "--reason", "Nghỉ đột xuất")
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-20"


def test_bad_calendar_input_changes_nothing(unit, db_path):
    before = dump(db_path)
    assert "không tồn tại" in unit.fail("calendar", "due", "31/02/2023", "5").stderr
    assert "Không đọc được" in unit.fail("calendar", "due", "hôm qua", "5").stderr
    assert "từ 1 đến 500" in unit.fail("calendar", "due", "2023-02-01", "0").stderr
    assert "từ 1 đến 500" in unit.fail("calendar", "due", "2023-02-01", "100000").stderr
    unit.fail("calendar", "due", "2023-02-01", "abc", code=2)
    assert "vốn đã là ngày nghỉ" in unit.fail("calendar", "add-day-off", "2023-09-16", "--reason", "x").stderr
    assert "không có điều chỉnh" in unit.fail("calendar", "remove", "2023-09-18").stderr
    assert dump(db_path) == before
    unit("calendar", "add-day-off", "2023-09-18", "--reason", "Nghỉ đột xuất")
    after_first = dump(db_path)
    assert "đã được điều chỉnh" in unit.fail("calendar", "add-day-off", "2023-09-18", "--reason", "lần hai").stderr
    assert dump(db_path) == after_first


def test_check_warns_about_unconfirmed_years(unit):
    result = unit("calendar", "check", "--as-of", "2026-11-28")
    assert "năm 2027 chưa được xác nhận" in result.stderr
    assert "năm 2026" not in result.stderr
    unit("calendar", "confirm", "2027", "--source", "Công văn 999/VPCP-KGVX")
    assert "đã được xác nhận" in unit("calendar", "check", "--as-of", "2026-11-28").stderr


def test_deadline_rules_are_settings(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    result = cli("config", "set", "deadline.answer_days", "10")
    assert "05/10/2023 → 28/09/2023" in result.stderr
    cli("config", "set", "deadline.answer_unit", "calendar")
    # 10 calendar days after 14/9/2023 is Sunday 24/9 → next working day Mon 25/9.
    assert cli.json("petition", "list")[0]["due_on"] == "2023-09-25"
    assert "Giá trị" in cli.fail("config", "set", "deadline.answer_unit", "weeks").stderr
    assert "không hợp lệ" in cli.fail("config", "set", "deadline.notice_days", "0").stderr


def test_calendar_import_loads_a_years_schedule_and_moves_deadlines(cli, session, isolated):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    sheet = isolated / "lich.csv"
    sheet.write_text("Ngày,Loại,Lý do,Văn bản\n15/09/2023,nghỉ,Nghỉ bù,CV 1/VPCP\n2023-09-23,làm bù,Làm bù cho 15/09,CV 1/VPCP\n",
                     encoding="utf-8")
    out = cli("calendar", "import", sheet).stderr
    # 15/9 off, Saturday 23/9 worked: review (5 days) 18–22/9 → 22/9 instead of 21/9; the answer
    # (15 days) loses the 15th and gains the 23rd, so it stays Thursday 5/10.
    assert "hạn thông báo kết luận 21/09/2023 → 22/09/2023" in out
    assert f"Kiến nghị số {pid}" not in out
    rows = {r["date"]: r for r in cli.json("calendar", "list", "--year", "2023")}
    assert rows["2023-09-15"]["kind"] == "day_off" and "CV 1/VPCP" in rows["2023-09-15"]["origin"]
    assert rows["2023-09-23"]["kind"] == "workday"
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-05"
    assert "đã được điều chỉnh trước đó" in cli.fail("calendar", "import", sheet).stderr
