"""`doithoai remind`: one letter per agency, once a day, again after the interval, escalating."""

from __future__ import annotations

import pytest
from conftest import add_petition, dump
from docx import Document


def setup(cli):
    cli("session", "create", "--commune", "Khoen On", "--date", "09/04/2025")  # answers due Tue 29/04/2025
    ids = [add_petition(cli, "2025-khoen-on", f"Người {i}", f"Nội dung {i}") for i in range(3)]
    cli("petition", "assign", ids[0], "TNMT")
    cli("petition", "assign", ids[1], "TNMT")
    cli("petition", "assign", ids[2], "LDTBXH")
    return ids


def test_remind_writes_once_per_day(cli, unit, isolated, db_path):
    ids = setup(cli)
    out = isolated / "nhac"
    first = cli.json("remind", "--out", out, "--as-of", "2025-05-06")
    assert [(x["agency"], x["petition_ids"], x["level"]) for x in first["letters"]] == [
        ("LDTBXH", [ids[2]], 1), ("TNMT", [ids[0], ids[1]], 1)]
    files = sorted(p.name for p in out.iterdir())
    assert files == ["don-doc-LDTBXH-2025-05-06.docx", "don-doc-LDTBXH-2025-05-06.txt",
                     "don-doc-TNMT-2025-05-06.docx", "don-doc-TNMT-2025-05-06.txt"]
    text = "\n".join(p.text for p in Document(out / "don-doc-TNMT-2025-05-06.docx").paragraphs)
    assert "Kính gửi: Phòng Tài nguyên và Môi trường" in text and "còn 2 kiến nghị" in text
    cells = [c.text for t in Document(out / "don-doc-TNMT-2025-05-06.docx").tables for row in t.rows for c in row.cells]
    assert "29/04/2025" in cells and "2" in cells  # due date and days overdue (5/5, 6/5)
    mail = (out / "don-doc-TNMT-2025-05-06.txt").read_text(encoding="utf-8")
    assert "quá 2 ngày làm việc" in mail and "tnmt" not in mail.lower().split("kính gửi")[0]

    before, mtimes = dump(db_path), {p: p.stat().st_mtime_ns for p in out.iterdir()}
    again = cli.json("remind", "--out", out, "--as-of", "2025-05-06")
    assert again["letters"] == []
    assert dump(db_path) == before
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes


def test_interval_then_escalation(cli, unit, isolated):
    setup(cli)
    cli("config", "set", "remind.interval_days", "2")
    cli("config", "set", "remind.escalate_after", "2")
    cli("agency", "edit", "TNMT", "--head", "Trưởng phòng Nguyễn Văn B")
    out = isolated / "nhac"
    assert len(cli.json("remind", "--out", out, "--as-of", "2025-05-06")["letters"]) == 2
    assert cli.json("remind", "--out", out, "--as-of", "2025-05-07")["letters"] == []  # 1 working day later: too soon
    second = cli.json("remind", "--out", out, "--as-of", "2025-05-08")["letters"]
    assert [x["level"] for x in second] == [2, 2] and not any(x["escalated"] for x in second)
    third = cli.json("remind", "--out", out, "--as-of", "2025-05-12")["letters"]
    assert [x["level"] for x in third] == [3, 3] and all(x["escalated"] for x in third)
    doc = Document(out / "don-doc-TNMT-2025-05-12.docx")
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Kính gửi: Trưởng phòng Nguyễn Văn B Phòng Tài nguyên và Môi trường" in text
    assert "Người chủ trì hội nghị" in text and "lần thứ 3" in text


def test_non_working_day_does_nothing_unless_forced(cli, unit, isolated):
    setup(cli)
    out = isolated / "nhac"
    result = cli("remind", "--out", out, "--as-of", "2025-05-10")  # Saturday
    assert "ngày nghỉ" in result.stderr and not out.exists()
    assert len(cli.json("remind", "--out", out, "--as-of", "2025-05-10", "--force")["letters"]) == 2


def test_dry_run_writes_nothing(cli, unit, isolated, db_path):
    setup(cli)
    before = dump(db_path)
    result = cli.json("remind", "--out", isolated / "nhac", "--as-of", "2025-05-06", "--dry-run")
    assert len(result["letters"]) == 2 and result["dry_run"]
    assert dump(db_path) == before and not (isolated / "nhac").exists()


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_remind_reads_petitions_only_through_indexes(cli, unit, isolated, db_path):
    """A run costs what it reminds: every statement it runs on petitions is an index SEARCH."""
    import datetime as dt

    from doithoai import reminders
    from doithoai.base import open_base
    from doithoai.db import transaction

    setup(cli)
    db = open_base(db_path)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with transaction(db):
        reminders.run(db, dt.date(2025, 5, 6), isolated / "nhac", send=True)
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
    db.conn.close()
