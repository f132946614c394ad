"""Monitoring reports with hand-computed expectations around the 30/4–1/5 holidays of 2025."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import UNIT_STEPS, add_petition
from openpyxl import load_workbook


def setup_2025(cli):
    # Wed 09/04/2025: 15 working days → Tue 29/04/2025 (Giỗ Tổ was Mon 7/4; Sat 26/4 is a make-up day;
    # 30/4, 1/5 and Fri 2/5 are off). 30 working days → Fri 23/05/2025.
    cli("session", "create", "--commune", "Khoen On", "--date", "09/04/2025")
    # Thu 03/04/2025: Mon 7/4 off (Giỗ Tổ) → 15 working days → Fri 25/04/2025.
    cli("session", "create", "--commune", "Ta Gia", "--date", "03/04/2025")
    ids = {}
    for key, session, name, extra in [
        ("normal", "2025-khoen-on", "Lò Văn A", []), ("complex", "2025-khoen-on", "Lò Văn B", []),
        ("answered", "2025-khoen-on", "Lò Văn C", []), ("transferred", "2025-khoen-on", "Lò Văn D", []),
        ("escalated", "2025-khoen-on", "Lò Văn E", []), ("closed", "2025-khoen-on", "Lò Văn F", []),
        ("early", "2025-ta-gia", "Lò Văn G", []),
    ]:
        ids[key] = add_petition(cli, session, name, f"Nội dung {key}", *extra)
        cli("petition", "assign", ids[key], "TNMT", *(["--complex", "--reason", "Phải đo đạc"] if key == "complex" else []))
    cli("petition", "answer", ids["answered"], "--written", "--doc-number", "1/TNMT", "--doc-date", "2025-04-28",
        "--summary", "Đã trả lời", "--as-of", "2025-04-28")
    cli("petition", "transfer", ids["transferred"], "--to", "Sở Tư pháp", "--as-of", "2025-04-20")
    cli("petition", "escalate", ids["escalated"], "--reason", "Vượt thẩm quyền", "--as-of", "2025-04-20")
    cli("petition", "answer", ids["closed"], "--written", "--doc-number", "2/TNMT", "--doc-date", "2025-05-06",
        "--summary", "Trả lời muộn", "--as-of", "2025-05-06")
    cli("petition", "close", ids["closed"], "--as-of", "2025-05-06")
    return ids


@pytest.fixture
def y2025(templates, db_path, unit) -> dict:
    """The unit with the 2025 scenario of setup_2025, built once per run; its petition ids."""
    return templates.copy("reports-2025", UNIT_STEPS, db_path, make=setup_2025)


def overdue(cli, as_of, *extra):
    return {r["id"]: r for r in cli.json("report", "overdue", "--as-of", as_of, *extra)}


def test_overdue_counts_working_days_around_holidays(cli, y2025):
    ids = y2025
    assert ids["normal"] not in overdue(cli, "2025-04-29")  # its due date: not overdue yet
    rows = overdue(cli, "2025-05-05")  # 30/4, 1/5, 2/5 off, weekend: Monday is the 1st overdue day
    assert rows[ids["normal"]]["days_overdue"] == 1
    rows = overdue(cli, "2025-05-06")  # two working days after the due date
    assert rows[ids["normal"]]["days_overdue"] == 2
    assert rows[ids["normal"]]["due_on"] == "2025-04-29"
    for key in ("answered", "transferred", "escalated", "closed", "complex"):
        assert ids[key] not in rows, key
    assert set(rows[ids["normal"]]) >= {"id", "session", "petitioner", "address", "field", "content",
                                        "lead_agency", "due_on", "days_overdue", "status"}
    assert overdue(cli, "2025-05-26")[ids["complex"]]["days_overdue"] == 1  # complex: due Fri 23/05


def test_as_of_a_make_up_saturday_counts_it(cli, y2025):
    ids = y2025
    rows = overdue(cli, "2025-04-26")  # Sat 26/4/2025 is a working day
    assert rows[ids["early"]]["days_overdue"] == 1
    assert ids["normal"] not in rows


def test_overdue_table_groups_by_agency_with_totals(cli, y2025):
    ids = y2025
    cli("petition", "assign", ids["early"], "UBXA")
    out = cli("report", "overdue", "--as-of", "2025-05-06").stdout
    assert out.index("UBXA") < out.index("TNMT")  # the agency with the oldest overdue petition first
    assert "Tổng hợp theo cơ quan chủ trì" in out and "Tổng cộng: 2 kiến nghị quá hạn." in out
    assert "29/04/2025" in out


def test_filters_and_fail_on_overdue(cli, y2025):
    ids = y2025
    assert list(overdue(cli, "2025-05-06", "--session", "2025-ta-gia")) == [ids["early"]]
    assert overdue(cli, "2025-05-06", "--agency", "UBXA") == {}
    cli("report", "overdue", "--as-of", "2025-05-06", "--fail-on-overdue", code=3)
    cli("report", "overdue", "--as-of", "2025-04-01", "--fail-on-overdue")


def test_xlsx_and_csv_are_safe_for_excel(cli, unit, isolated):
    cli("session", "create", "--commune", "Khoen On", "--date", "09/04/2025")
    pid = add_petition(cli, "2025-khoen-on", "=cmd|' /C calc'!A0", "@SUM(1+1)")
    cli("petition", "assign", pid, "TNMT")
    cli("report", "overdue", "--as-of", "2025-05-06", "-f", "xlsx", "-o", isolated / "qh.xlsx")
    wb = load_workbook(isolated / "qh.xlsx")
    ws = wb["Quá hạn"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]][:4] == ["Chủ trì", "Số", "Cuộc ĐT", "Người kiến nghị"]
    row = [c.value for c in ws[2]]
    assert row[3] == "'=cmd|' /C calc'!A0" and row[6] == "'@SUM(1+1)"
    assert all(not (isinstance(v, str) and v.startswith(("=", "@"))) for v in row)
    assert "Theo cơ quan" in wb.sheetnames
    raw = cli("report", "overdue", "--as-of", "2025-05-06", "-f", "csv").stdout_bytes
    assert raw.startswith("\ufeff".encode()) and b"'=cmd" in raw
    assert "Định dạng xlsx cần tệp đầu ra" in cli.fail("report", "overdue", "-f", "xlsx").stderr
    assert "không tồn tại" in cli.fail("report", "overdue", "-f", "xlsx", "-o", isolated / "khong" / "x.xlsx").stderr


def test_due_soon_and_agency(cli, y2025):
    ids = y2025
    soon = cli.json("report", "due-soon", "--within", "3", "--as-of", "2025-04-24")
    # 3 working days after Thu 24/4: 25, Sat 26 (make-up), 28 → due 25/4 is in, 29/4 is not
    assert [r["id"] for r in soon] == [ids["early"]] and soon[0]["days_left"] == 1
    held = cli.json("report", "agency", "TNMT", "--as-of", "2025-05-06")
    assert {r["id"] for r in held} == set(ids.values())
    assert {r["role"] for r in held} == {"lead"}


def test_summary(cli, y2025):
    data = cli.json("report", "summary", "--as-of", "2025-05-06")
    assert data["total"] == 7 and data["overdue"] == 2
    assert (data["written_answers"], data["answered_on_time"]) == (2, 1)
    # after 9/4: 28/4 is the 14th working day (Sat 26/4 counts); 29/4 the 15th, 5/5 the 16th, 6/5 the 17th
    assert data["median_working_days_to_written_answer"] == 15.5
    text = cli("report", "summary", "--as-of", "2025-05-06").stdout
    assert "Theo trạng thái:" in text and "█" in text and "đúng hạn 1 (50%)" in text


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_cron_environment_subprocess(cli, y2025, db_path):
    env = {"PATH": "/usr/bin:/bin"}  # what cron gives: no LANG, no HOME, no terminal
    result = subprocess.run([sys.executable, "-m", "doithoai", "--db", str(db_path), "report", "overdue",
                             "--as-of", "2025-05-06", "--fail-on-overdue"], capture_output=True, env=env)
    assert result.returncode == 3, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")  # intact UTF-8 whatever the locale
    assert "Kiến nghị quá hạn tính đến ngày 06/05/2025" in text
    assert "Lò Văn A" in text and "\x1b[" not in text  # no colour codes
    assert result.stderr == b""
    quiet = subprocess.run([sys.executable, "-m", "doithoai", "--db", str(db_path), "-q", "remind", "--out",
                            str(db_path.parent / "nhac"), "--as-of", "2025-05-06"], capture_output=True, env=env)
    assert quiet.returncode == 0 and quiet.stderr == b""
    assert "Phòng Tài nguyên và Môi trường" in quiet.stdout.decode("utf-8")
    assert os.listdir(db_path.parent / "nhac")
