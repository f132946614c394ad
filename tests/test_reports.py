"""Monitoring reports with hand-computed expectations around the 30/4–1/5 holidays of 2025."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from case import INTAKE, add, write
from conftest import add_petition, make_unit
from openpyxl import load_workbook

from doithoai import petition_actions as actions
from doithoai import reports, sessions

D = dt.date


def make_2025(db) -> dict:
    """The unit with two 2025 sessions and one petition in each state; their ids by state."""
    make_unit(db)
    # Wed 09/04/2025: 15 working days → Tue 29/04/2025 (Giỗ Tổ was Mon 7/4; Sat 26/4 is a make-up day;
    # 30/4, 1/5 and Fri 2/5 are off). 30 working days → Fri 23/05/2025.
    write(db, sessions.create, commune="Khoen On", date=D(2025, 4, 9))
    # Thu 03/04/2025: Mon 7/4 off (Giỗ Tổ) → 15 working days → Fri 25/04/2025.
    write(db, sessions.create, commune="Ta Gia", date=D(2025, 4, 3))
    ids = {}
    for key, session, name in [
        ("normal", "2025-khoen-on", "Lò Văn A"), ("complex", "2025-khoen-on", "Lò Văn B"),
        ("answered", "2025-khoen-on", "Lò Văn C"), ("transferred", "2025-khoen-on", "Lò Văn D"),
        ("escalated", "2025-khoen-on", "Lò Văn E"), ("closed", "2025-khoen-on", "Lò Văn F"),
        ("early", "2025-ta-gia", "Lò Văn G"),
    ]:
        ids[key] = add(db, name, f"Nội dung {key}", session=session, today=INTAKE)
        write(db, actions.assign, D(2025, 4, 9), ids[key], "TNMT", complex_=key == "complex",
              reason="Phải đo đạc" if key == "complex" else "")
    write(db, actions.answer, D(2025, 4, 28), ids["answered"], written=True, doc_number="1/TNMT",
          doc_date=D(2025, 4, 28), summary="Đã trả lời")
    write(db, actions.transfer, D(2025, 4, 20), ids["transferred"], to="Sở Tư pháp")
    write(db, actions.escalate, D(2025, 4, 20), ids["escalated"], reason="Vượt thẩm quyền")
    write(db, actions.answer, D(2025, 5, 6), ids["closed"], written=True, doc_number="2/TNMT",
          doc_date=D(2025, 5, 6), summary="Trả lời muộn")
    write(db, actions.close, D(2025, 5, 6), ids["closed"])
    return ids


@pytest.fixture
def y2025(templates, db_path, unit) -> dict:
    """The 2025 scenario of make_2025 (built once per run, copied) at db_path; its petition ids."""
    return templates.base("reports-2025", make_2025, db_path)


@pytest.fixture
def db(y2025, db_path):
    from conftest import opened

    yield from opened(db_path)


def overdue(db, as_of, **filters) -> dict[int, dict]:
    return {r["id"]: r for r in reports.overdue(db, as_of, **filters)}


# -- the tallies, on the services ---------------------------------------------------------

def test_overdue_counts_working_days_around_holidays(db, y2025):
    ids = y2025
    assert ids["normal"] not in overdue(db, D(2025, 4, 29))  # its due date: not overdue yet
    rows = overdue(db, D(2025, 5, 5))  # 30/4, 1/5, 2/5 off, weekend: Monday is the 1st overdue day
    assert rows[ids["normal"]]["days_overdue"] == 1
    rows = overdue(db, D(2025, 5, 6))  # two working days after the due date
    assert rows[ids["normal"]]["days_overdue"] == 2
    assert rows[ids["normal"]]["due_on"] == "2025-04-29"
    for key in ("answered", "transferred", "escalated", "closed", "complex"):
        assert ids[key] not in rows, key
    assert set(rows[ids["normal"]]) >= {"id", "session", "petitioner", "address", "field", "content",
                                        "lead_agency", "due_on", "days_overdue", "status"}
    assert overdue(db, D(2025, 5, 26))[ids["complex"]]["days_overdue"] == 1  # complex: due Fri 23/05


def test_as_of_a_make_up_saturday_counts_it(db, y2025):
    rows = overdue(db, D(2025, 4, 26))  # Sat 26/4/2025 is a working day
    assert rows[y2025["early"]]["days_overdue"] == 1
    assert y2025["normal"] not in rows


def test_overdue_groups_by_agency_oldest_first_with_totals(db, y2025):
    ids = y2025
    write(db, actions.assign, D(2025, 4, 9), ids["early"], "UBXA")
    rows = reports.overdue(db, D(2025, 5, 6))
    assert [(r["lead_agency"], r["id"]) for r in rows] == [("UBXA", ids["early"]), ("TNMT", ids["normal"])]
    totals = reports.totals_by_agency(rows)
    assert [(t["lead_agency"], t["count"], t["oldest_due_on"]) for t in totals] == [
        ("UBXA", 1, "2025-04-25"), ("TNMT", 1, "2025-04-29")]
    assert totals[0]["max_days_overdue"] == 5  # after Fri 25/4: Sat 26 (make-up), Mon 28, Tue 29, Mon 5/5, Tue 6/5


def test_filters(db, y2025):
    assert list(overdue(db, D(2025, 5, 6), session="2025-ta-gia")) == [y2025["early"]]
    assert overdue(db, D(2025, 5, 6), agency="UBXA") == {}
    assert overdue(db, D(2025, 4, 1)) == {}


def test_due_soon_and_agency(db, y2025):
    ids = y2025
    soon = reports.due_soon(db, D(2025, 4, 24), 3)
    # 3 working days after Thu 24/4: 25, Sat 26 (make-up), 28 → due 25/4 is in, 29/4 is not
    assert [r["id"] for r in soon] == [ids["early"]] and soon[0]["days_left"] == 1
    agency, held = reports.agency_holdings(db, "TNMT", D(2025, 5, 6))
    assert agency["code"] == "TNMT"
    assert {r["id"] for r in held} == set(ids.values())
    assert {r["role"] for r in held} == {"lead"}


def test_summary(db, y2025):
    data = reports.summary(db, D(2025, 5, 6))
    assert data["total"] == 7 and data["overdue"] == 2
    assert (data["written_answers"], data["answered_on_time"]) == (2, 1)
    # after 9/4: 28/4 is the 14th working day (Sat 26/4 counts); 29/4 the 15th, 5/5 the 16th, 6/5 the 17th
    assert data["median_working_days_to_written_answer"] == 15.5
    assert data == reports._summary_direct(db, D(2025, 5, 6))  # the tallies agree with counting every row


# -- what the clerk sees, through the CLI -------------------------------------------------

def test_overdue_json_keeps_its_keys(cli, y2025):
    rows = {r["id"]: r for r in cli.json("report", "overdue", "--as-of", "2025-05-06")}
    assert set(rows) == {y2025["normal"], y2025["early"]}
    assert set(rows[y2025["normal"]]) >= {"id", "session", "petitioner", "address", "field", "content",
                                          "lead_agency", "due_on", "days_overdue", "status"}


def test_overdue_table_groups_by_agency_with_totals(cli, y2025):
    cli("petition", "assign", y2025["early"], "UBXA")
    out = cli("report", "overdue", "--as-of", "2025-05-06").stdout
    assert out.index("UBXA") < out.index("TNMT")  # the agency with the oldest overdue petition first
    assert "Tổng hợp theo cơ quan chủ trì" in out and "Tổng cộng: 2 kiến nghị quá hạn." in out
    assert "29/04/2025" in out


def test_filter_options_and_fail_on_overdue(cli, y2025):
    assert [r["id"] for r in cli.json("report", "overdue", "--as-of", "2025-05-06", "--session", "2025-ta-gia")] == [
        y2025["early"]]
    assert cli.json("report", "overdue", "--as-of", "2025-05-06", "--agency", "UBXA") == []
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


def test_due_soon_agency_and_summary_output(cli, y2025):
    soon = cli.json("report", "due-soon", "--within", "3", "--as-of", "2025-04-24")
    assert [(r["id"], r["days_left"]) for r in soon] == [(y2025["early"], 1)]
    held = cli.json("report", "agency", "TNMT", "--as-of", "2025-05-06")
    assert {r["id"] for r in held} == set(y2025.values())
    data = cli.json("report", "summary", "--as-of", "2025-05-06")
    assert data["total"] == 7 and data["overdue"] == 2
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
