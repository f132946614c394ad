"""`remind`: one letter per agency, once a day, again after the interval, escalating.

Which petitions are reminded, when and at which level is checked on the service
(`reminders.run` on a copied base); the CLI tests keep the files, the letter and the mail
text a clerk sends, and the day-off message.
"""

from __future__ import annotations

import datetime as dt

import pytest
from case import INTAKE, add, dump, write
from conftest import make_unit
from docx import Document

from doithoai import agencies, reminders, sessions, settings
from doithoai import petition_actions as actions

D = dt.date


def make_overdue(db) -> list[int]:
    """Three petitions of a session on 09/04/2025 (answers due Tue 29/04/2025): two for TNMT, one for LDTBXH."""
    make_unit(db)
    write(db, sessions.create, commune="Khoen On", date=D(2025, 4, 9))
    ids = [add(db, f"Người {i}", f"Nội dung {i}", session="2025-khoen-on", today=INTAKE) for i in range(3)]
    for pid, agency in zip(ids, ("TNMT", "TNMT", "LDTBXH"), strict=True):
        write(db, actions.assign, D(2025, 4, 9), pid, agency)
    return ids


@pytest.fixture
def overdue_ids(templates, db_path, unit) -> list[int]:
    return templates.base("remind-2025", make_overdue, db_path)


@pytest.fixture
def db(overdue_ids, db_path):
    from conftest import opened

    yield from opened(db_path)


def remind(db, day: dt.date, out, **options) -> list[tuple]:
    result = write(db, reminders.run, day, out, **options)
    return [(x["agency"], [p["id"] for p in x["petitions"]], x["level"], x["escalated"]) for x in result["letters"]]


# -- which petitions, when, at which level: on the service ---------------------------------

def test_one_letter_per_agency_once_a_day(db, overdue_ids, isolated):
    ids, out = overdue_ids, isolated / "nhac"
    [letter] = [x for x in reminders.plan(db, D(2025, 5, 6)) if x["agency"] == "TNMT"]
    assert [p["days_overdue"] for p in letter["petitions"]] == [2, 2]  # Mon 5/5 and Tue 6/5
    assert remind(db, D(2025, 5, 6), out) == [("LDTBXH", [ids[2]], 1, False), ("TNMT", [ids[0], ids[1]], 1, False)]
    assert sorted(p.name for p in out.iterdir()) == [
        "don-doc-LDTBXH-2025-05-06.docx", "don-doc-LDTBXH-2025-05-06.txt",
        "don-doc-TNMT-2025-05-06.docx", "don-doc-TNMT-2025-05-06.txt"]
    before, mtimes = dump(db), {p: p.stat().st_mtime_ns for p in out.iterdir()}
    assert remind(db, D(2025, 5, 6), out) == []  # the same day again: nothing
    assert dump(db) == before
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes


def test_nothing_before_the_first_overdue_day(db, isolated):
    assert remind(db, D(2025, 4, 29), isolated / "nhac") == []  # the due date itself
    assert not (isolated / "nhac").exists()


def test_interval_then_escalation(db, isolated):
    write(db, settings.set_value, "remind.interval_days", "2")
    write(db, settings.set_value, "remind.escalate_after", "2")
    write(db, agencies.edit, "TNMT", head="Trưởng phòng Nguyễn Văn B")
    out = isolated / "nhac"
    assert [x[2] for x in remind(db, D(2025, 5, 6), out)] == [1, 1]
    assert remind(db, D(2025, 5, 7), out) == []  # 1 working day later: too soon
    assert [(x[2], x[3]) for x in remind(db, D(2025, 5, 8), out)] == [(2, False), (2, False)]
    assert [(x[2], x[3]) for x in remind(db, D(2025, 5, 12), out)] == [(3, True), (3, True)]
    doc = Document(out / "don-doc-TNMT-2025-05-12.docx")
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Kính gửi: Trưởng phòng Nguyễn Văn B Phòng Tài nguyên và Môi trường" in text
    assert "Người chủ trì hội nghị" in text and "lần thứ 3" in text


def test_an_answered_petition_is_not_reminded(db, overdue_ids, isolated):
    write(db, actions.answer, D(2025, 5, 5), overdue_ids[2], written=True, doc_number="3/LĐTBXH",
          doc_date=D(2025, 5, 5), summary="Đã trả lời")
    assert [x[0] for x in remind(db, D(2025, 5, 6), isolated / "nhac")] == ["TNMT"]


def test_non_working_day_does_nothing_unless_forced(db, isolated):
    out = isolated / "nhac"
    result = write(db, reminders.run, D(2025, 5, 10), out)  # Saturday
    assert (result["working_day"], result["letters"]) == (False, [])
    assert reminders.day_off(db, D(2025, 5, 10)) and not out.exists()
    assert len(remind(db, D(2025, 5, 10), out, force=True)) == 2


def test_dry_run_writes_nothing(db, isolated):
    before = dump(db)
    result = write(db, reminders.run, D(2025, 5, 6), isolated / "nhac", dry_run=True)
    assert len(result["letters"]) == 2 and result["dry_run"]
    assert dump(db) == before and not (isolated / "nhac").exists()


# -- what the clerk sends and reads, through the CLI ---------------------------------------

def test_the_letters_and_mail_text(cli, overdue_ids, isolated):
    ids, out = overdue_ids, isolated / "nhac"
    first = cli.json("remind", "--out", out, "--as-of", "2025-05-06")
    assert [(x["agency"], x["petition_ids"], x["level"]) for x in first["letters"]] == [
        ("LDTBXH", [ids[2]], 1), ("TNMT", [ids[0], ids[1]], 1)]
    assert first["letters"][1]["docx"] == str(out / "don-doc-TNMT-2025-05-06.docx")
    text = "\n".join(p.text for p in Document(out / "don-doc-TNMT-2025-05-06.docx").paragraphs)
    assert "Kính gửi: Phòng Tài nguyên và Môi trường" in text and "còn 2 kiến nghị" in text
    cells = [c.text for t in Document(out / "don-doc-TNMT-2025-05-06.docx").tables for row in t.rows for c in row.cells]
    assert "29/04/2025" in cells and "2" in cells  # due date and days overdue (5/5, 6/5)
    mail = (out / "don-doc-TNMT-2025-05-06.txt").read_text(encoding="utf-8")
    assert "quá 2 ngày làm việc" in mail and "tnmt" not in mail.lower().split("kính gửi")[0]
    assert cli.json("remind", "--out", out, "--as-of", "2025-05-06")["letters"] == []


def test_a_day_off_says_so(cli, overdue_ids, isolated):
    out = isolated / "nhac"
    dry = cli.json("remind", "--out", isolated / "thu", "--as-of", "2025-05-06", "--dry-run")
    assert len(dry["letters"]) == 2 and dry["dry_run"] and not (isolated / "thu").exists()
    result = cli("remind", "--out", out, "--as-of", "2025-05-10")  # Saturday
    assert "ngày nghỉ" in result.stderr and "--force" in result.stderr and not out.exists()
    assert len(cli.json("remind", "--out", out, "--as-of", "2025-05-10", "--force")["letters"]) == 2


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_remind_reads_petitions_only_through_indexes(db, isolated):
    """A run costs what it reminds: every statement it runs on petitions is an index SEARCH."""
    from doithoai.db import transaction

    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with transaction(db):
        reminders.run(db, D(2025, 5, 6), isolated / "nhac", send=True)
    db.conn.set_trace_callback(None)
    checked = 0
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "petitions" not in sql:
            continue
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)]
        scans = [step for step in plan if step.startswith("SCAN") and any(
            step.split()[1] == alias for alias in ("p", "petitions"))]
        assert not scans, f"{sql}\n{plan}"
        checked += 1
    assert checked >= 5
