"""Words a clerk reads after a command: suggestions for a mistyped command, option names in
help, times and dates as a Vietnamese office writes them, the confirmation before the detail."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from string import Formatter

import pytest

from doithoai.cli._errors import FIX_HINTS

PACKAGE = Path(__file__).resolve().parent.parent / "doithoai"
FIX_CALL = re.compile(r"\bfix\(\"([a-z_.]+)\"((?:[^()]|\([^()]*\))*)\)")


def test_a_mistyped_top_level_command_gets_a_suggestion(cli):
    # the root loads its groups lazily: the suggestion comes from its table of names
    assert "không có lệnh 'petiton'. Có phải ý bạn là 'petition'" in cli.fail("petiton", "list", code=2).stderr
    assert "Có phải ý bạn là 'report'?" in cli.fail("reprot", code=2).stderr
    assert "Có phải" not in cli.fail("xyz", code=2).stderr


def test_an_unknown_option_is_a_sentence(cli):
    assert "không có tùy chọn --zzzz.\n" in cli.fail("petition", "list", "--zzzz", code=2).stderr


def test_remind_out_is_named_a_folder(cli):
    assert "--out THƯ_MỤC" in cli("remind", "--help").stdout


@pytest.fixture
def vietnam_clock(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.sqlite_only  # writes the SQLite file's .check beside it
def test_a_reused_page_check_says_when_in_local_time(unit, db_path, vietnam_clock):
    state = db_path.with_name(db_path.name + ".check")
    st = db_path.stat()
    state.write_text(json.dumps({"on": dt.date.today().isoformat(), "at": "2026-01-05T03:04:05+00:00", "ok": True,
                                 "file": [st.st_dev, st.st_ino]}), encoding="utf-8")
    said = unit("db", "check").stderr
    assert "đã đạt hôm nay lúc 10:04:" in said, said
    assert "+00:00" not in said and "UTC" not in said


def test_a_calendar_change_is_confirmed_first_with_a_vietnamese_date(unit):
    said = unit("calendar", "add-day-off", "2024-05-02", "--reason", "Nghỉ bù").stderr.splitlines()
    assert said[0] == "Đã thêm ngày nghỉ 02/05/2024.", said
    assert said[1] == "Không có thời hạn nào thay đổi."
    assert unit("calendar", "remove", "2024-05-02").stderr.splitlines()[0] == "Đã xóa điều chỉnh ngày 02/05/2024."


def test_every_fix_a_service_names_carries_what_its_sentence_needs():
    """A Fix without an argument its sentence names ({id}, {code}…) would fail while the CLI
    phrases the error: every fix("…", …) in a service passes each placeholder of its sentence."""
    named = 0
    for path in PACKAGE.rglob("*.py"):
        if "cli" in path.relative_to(PACKAGE).parts:
            continue
        for m in FIX_CALL.finditer(path.read_text(encoding="utf-8")):
            action, args = m.group(1), set(re.findall(r"(\w+)=", m.group(2)))
            wanted = {name for _, name, _, _ in Formatter().parse(FIX_HINTS[action]) if name}
            late = {"id"} if path.name == "context.py" else set()  # letter steps: the id comes when raised
            assert wanted <= args | late, (path.name, action, wanted - args)
            named += 1
    assert named > 50


def test_the_ending_of_o_chooses_the_format(unit, tmp_path):
    """`-o báo-cáo.xlsx` without -f is a workbook, not a text table Excel cannot open; an ending
    that contradicts -f is refused before anything is written; another ending keeps the table."""
    import zipfile

    unit("agency", "list", "-o", tmp_path / "co-quan.xlsx")
    assert zipfile.is_zipfile(tmp_path / "co-quan.xlsx")
    unit("agency", "list", "-o", tmp_path / "co-quan.csv")
    assert (tmp_path / "co-quan.csv").read_text(encoding="utf-8-sig").startswith("Mã,")
    said = unit.fail("agency", "list", "-f", "csv", "-o", tmp_path / "sai.xlsx").stderr
    assert "có đuôi .xlsx nhưng định dạng đã chọn là csv" in said and "-f xlsx" in said
    assert not (tmp_path / "sai.xlsx").exists()
    unit("agency", "list", "-o", tmp_path / "co-quan.txt")
    assert "───" in (tmp_path / "co-quan.txt").read_text(encoding="utf-8")


def test_report_overdue_to_a_workbook_by_its_ending_has_both_sheets(unit, tmp_path):
    import openpyxl

    unit("report", "overdue", "-o", tmp_path / "qua-han.xlsx")
    assert openpyxl.load_workbook(tmp_path / "qua-han.xlsx").sheetnames == ["Quá hạn", "Theo cơ quan"]


def test_large_numbers_are_written_the_vietnamese_way(case_db, unit, tmp_path):
    """20.000, not 20,000: in Vietnamese a comma is the decimal mark."""
    from doithoai.errors import DoithoaiError
    from doithoai.petitions import check_text
    from doithoai.text import vn_number

    assert vn_number(1234567) == "1.234.567" and vn_number(999) == "999"
    with pytest.raises(DoithoaiError) as refused:
        check_text("x" * 20_001, "Nội dung kiến nghị")
    assert "dài 20.001 ký tự, vượt giới hạn 20.000." in refused.value.message
    said = unit("db", "backup", tmp_path / "sao-luu.db").stderr
    assert re.search(r"\(\d{1,3}(\.\d{3})+ byte\)", said), said


def test_summary_ties_are_in_the_readers_alphabetical_order(cli, demo_db):
    by_field = cli.json("report", "summary", "--as-of", "2023-10-20")["by_field"]
    twos = [r["field"] for r in by_field if r["count"] == 2]
    assert twos == ["An ninh, trật tự", "Cải cách hành chính", "Điện, nước sinh hoạt", "Giáo dục", "Y tế"], twos


def test_reopen_states_its_new_due_date_as_assign_does(cli, demo_db):
    said = cli("petition", "reopen", "1", "--reason", "Người dân chưa đồng ý", "--as-of", "2023-10-20").stderr
    assert said.startswith("Đã mở lại kiến nghị số 1; hạn trả lời mới 10/11/2023 — Mở lại ngày 20/10/2023: "), said
    assert "((" not in said and "))" not in said


def test_notes_under_a_table_name_only_options_the_command_has(cli, demo_db, tmp_path):
    """remind has neither --columns nor -o: its note points to -f csv; a listing keeps --columns
    and the workbook."""
    from typer.testing import CliRunner

    from doithoai.cli import app

    narrow = CliRunner(env={"COLUMNS": "80"})
    said = narrow.invoke(app, ["remind", "--out", str(tmp_path / "r"), "--as-of", "2023-10-20", "--dry-run"]).stderr
    note = next(line for line in said.splitlines() if line.startswith("Ẩn bớt cột"))
    assert note.endswith("(xem đủ bằng -f csv)."), note
    said = narrow.invoke(app, ["agency", "list"]).stderr
    assert "(chọn cột bằng --columns, xem đủ bằng -f xlsx -o TỆP.xlsx)." in said, said


def test_keys_and_codes_a_person_types_are_never_shortened(unit):
    """`config set KHÓA` and `--field MÃ` take these as shown: a narrow screen hides other
    columns rather than cut them."""
    from typer.testing import CliRunner

    from doithoai.cli import app

    shown = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["config", "show", "--limit", "0"]).stdout
    assert "doc.letter_number_format " in shown and "doc.letter_number_fo…" not in shown, shown
    shown = CliRunner(env={"COLUMNS": "40"}).invoke(app, ["field", "list"]).stdout
    assert "cai-cach-hanh-chinh " in shown, shown


def test_an_adjustment_that_changes_nothing_says_why_without_nested_parentheses(unit):
    said = unit.fail("calendar", "add-workday", "2024-05-04", "--reason", "x").stderr
    assert said.startswith("Lỗi: Ngày 04/05/2024 vốn đã là ngày làm việc — Ngày làm bù (Thứ Bảy); "), said
