"""Sessions: creation with milestones, the lifecycle, refused steps, editing the date.

Rules on the services (`case_db`, a copy of the session template); the CLI tests at the end
keep the messages, the table, and that the unit and session typed as a user types them give
the very base the templates are built from.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from case import SESSION, add, hold, refused, row, rows, write
from conftest import SESSION_STEPS, Cli, dump

from doithoai import petition_actions as actions
from doithoai import sessions
from doithoai.errors import InvalidTransition, NotFound, OpenPetitions

KEYS = {"id", "code", "commune", "date", "status", "notice_by", "review_by", "answer_due", "complex_answer_due"}
D = dt.date


# -- rules, on the services ---------------------------------------------------------------

def test_create_computes_milestones(case_db):
    [s] = sessions.list_all(case_db)
    assert set(s) >= KEYS
    assert (s["code"], s["date"], s["status"]) == (SESSION, "2023-09-14", "planned")
    assert s["notice_by"] == "2023-09-05"  # 7 working days before, skipping 1–4/9
    assert s["review_by"] == "2023-09-21"
    assert s["answer_due"] == "2023-10-05"
    assert s["complex_answer_due"] == "2023-10-26"


def test_lifecycle_in_order(case_db):
    db = case_db
    _, warnings = write(db, sessions.advance, SESSION, "notice_sent", D(2023, 9, 7), D(2023, 9, 7))
    assert any("muộn hơn hạn 05/09/2023" in w for w in warnings)
    assert write(db, sessions.advance, SESSION, "held", D(2023, 9, 14), D(2023, 9, 14))[1] == []
    write(db, sessions.conclude, SESSION, "Giao các cơ quan trả lời đúng hạn")
    write(db, sessions.advance, SESSION, "reviewed", D(2023, 9, 20), D(2023, 9, 20))
    s, _ = write(db, sessions.advance, SESSION, "closed", D(2023, 11, 1), D(2023, 11, 1))
    assert s["status"] == "closed"
    assert (s["notice_sent_on"], s["held_on"], s["reviewed_on"], s["closed_on"]) == (
        "2023-09-07", "2023-09-14", "2023-09-20", "2023-11-01")
    assert s["conclusion"] == "Giao các cơ quan trả lời đúng hạn"


def test_refused_steps(case_db):
    db = case_db
    refused(db, "ở tương lai", sessions.advance, SESSION, "held", D(2023, 9, 14), D(2023, 9, 10))
    refused(db, "cần trạng thái", sessions.advance, SESSION, "closed", D(2023, 9, 20), D(2023, 9, 20),
            error=InvalidTransition)
    refused(db, "chưa tổ chức", sessions.conclude, SESSION, "x", error=InvalidTransition)
    refused(db, "ở tương lai", sessions.advance, SESSION, "notice_sent", D(2023, 9, 10), D(2023, 9, 1))
    refused(db, "khác ngày của cuộc đối thoại", sessions.advance, SESSION, "held", D(2023, 9, 13), D(2023, 9, 14))
    refused(db, "Không có cuộc đối thoại", sessions.edit, "2099-x", location="x", error=NotFound)
    refused(db, "đã có", sessions.create, commune="X", date=D(2023, 10, 1), code=SESSION)


def test_close_refused_while_petitions_are_open(case_db):
    pid = add(case_db)
    hold(case_db)
    write(case_db, sessions.advance, SESSION, "reviewed", D(2023, 9, 20), D(2023, 9, 20))
    err = refused(case_db, "Còn 1 kiến nghị", sessions.advance, SESSION, "closed", D(2023, 11, 1), D(2023, 11, 1),
                  error=OpenPetitions)
    assert [p["id"] for p in err.petitions] == [pid]


def test_edit_date_recomputes_open_due_dates(case_db):
    db = case_db
    pid = add(db)
    write(db, actions.assign, D(2023, 9, 14), pid, "TNMT")
    s, moved = write(db, sessions.edit, SESSION, date=D(2023, 9, 15))
    assert {"kind": "session", "id": s["id"], "code": SESSION, "what": "answer_due",
            "old": "2023-10-05", "new": "2023-10-06"} in moved
    assert {"kind": "petition", "id": pid, "code": "", "what": "due_on", "old": "2023-10-05", "new": "2023-10-06"} in moved
    assert row(db, pid)["due_on"] == "2023-10-06"
    hold(db, held=D(2023, 9, 15))
    refused(db, "không đổi ngày được nữa", sessions.edit, SESSION, date=D(2023, 9, 20), error=InvalidTransition)
    s, moved = write(db, sessions.edit, SESSION, location="Nhà văn hóa bản Khoen")
    assert (s["location"], moved) == ("Nhà văn hóa bản Khoen", [])


def test_speakers_in_registered_order(case_db):
    from doithoai import petitions

    add(case_db, "Người A", "Nội dung A", speak=True)
    add(case_db, "Người B", "Nội dung B", order=5)
    add(case_db, "Người C", "Nội dung C")
    add(case_db, "Người D", "Nội dung D", speak=True)
    speakers = [(r["speak_order"], r["petitioner"]) for r in rows(case_db, session=SESSION) if r["speak"]]
    assert speakers == [(1, "Người A"), (5, "Người B"), (6, "Người D")]
    refused(case_db, "đã dành cho", petitions.add, D(2023, 9, 5), session=SESSION, name="E", content="E", order=5)


# -- what the clerk sees, through the CLI -------------------------------------------------

@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_the_cli_steps_give_the_template_every_test_starts_from(cli, session, db_path, tmp_path):
    """`init`, `agency add` and `session create` as typed store what the services store."""
    typed = tmp_path / "typed.db"
    for step in SESSION_STEPS:
        Cli()("--db", typed, *step)

    def content(path):
        conn = sqlite3.connect(path)
        conn.row_factory = sqlite3.Row
        try:
            return {
                "settings": [tuple(r) for r in conn.execute("SELECT key, value FROM settings ORDER BY key")],
                "agencies": [tuple(r) for r in conn.execute("SELECT * FROM agencies ORDER BY id")],
                "fields": [tuple(r) for r in conn.execute("SELECT * FROM fields ORDER BY id")],
                "sessions": [{k: r[k] for k in r.keys() if k != "created_at"}  # noqa: SIM118 -- a Row iterates values
                             for r in conn.execute("SELECT * FROM sessions ORDER BY id")],
                "events": [tuple(r) for r in conn.execute(
                    "SELECT action, entity, entity_id FROM events WHERE action <> 'seal' ORDER BY id")],
            }
        finally:
            conn.close()

    typed_content, template = content(typed), content(db_path)
    assert typed_content == template


def test_list_and_show_read_as_a_clerk_expects(cli, session):
    [s] = cli.json("session", "list")
    assert set(s) >= KEYS and s["code"] == session
    table = cli("session", "list").stdout
    assert "14/09/2023" in table and "Đã lên kế hoạch" in table
    assert cli.json("session", "show", session)["answer_due"] == "2023-10-05"


def test_lifecycle_messages(cli, session):
    warn = cli("session", "notice", session, "--on", "2023-09-07", "--as-of", "2023-09-07").stderr
    assert "muộn hơn hạn 05/09/2023" in warn
    assert f"Cuộc đối thoại {session}: " in cli("session", "hold", session, "--as-of", "2023-09-14").stderr
    cli("session", "conclude", session, "--text", "Giao các cơ quan trả lời đúng hạn")
    cli("session", "review", session, "--on", "2023-09-20", "--as-of", "2023-09-20")
    cli("session", "close", session, "--as-of", "2023-11-01")
    s = cli.json("session", "show", session)
    assert (s["status"], s["closed_on"], s["conclusion"]) == ("closed", "2023-11-01", "Giao các cơ quan trả lời đúng hạn")


def test_refusals_print_the_reason_and_exit_1(cli, session, db_path):
    before = dump(db_path)
    assert "ở tương lai" in cli.fail("session", "hold", session, "--as-of", "2023-09-10").stderr
    assert "cần trạng thái" in cli.fail("session", "close", session).stderr
    assert "Không có cuộc đối thoại" in cli.fail("session", "show", "2099-x").stderr
    assert "không tồn tại" in cli.fail("session", "create", "--commune", "X", "--date", "31/02/2023").stderr
    assert "Giờ không hợp lệ" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01", "--time", "25:00").stderr
    assert "đã có" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01", "--code", session).stderr
    assert dump(db_path) == before


def test_close_lists_what_holds_the_session_open(cli, session, case_db):
    add(case_db)
    hold(case_db)
    write(case_db, sessions.advance, SESSION, "reviewed", D(2023, 9, 20), D(2023, 9, 20))
    assert "Còn 1 kiến nghị" in cli.fail("session", "close", session, "--as-of", "2023-11-01").stderr


def test_edit_date_prints_what_moved(cli, session, case_db):
    pid = add(case_db)
    write(case_db, actions.assign, D(2023, 9, 14), pid, "TNMT")
    out = cli("session", "edit", session, "--date", "15/09/2023").stderr
    assert "hạn trả lời 05/10/2023 → 06/10/2023" in out
    assert f"Kiến nghị số {pid}: hạn trả lời 05/10/2023 → 06/10/2023" in out
    cli("session", "edit", session, "--location", "Nhà văn hóa bản Khoen")
    assert cli.json("session", "show", session)["location"] == "Nhà văn hóa bản Khoen"


def test_speakers_listing(cli, session, case_db):
    add(case_db, "Người A", "Nội dung A", speak=True)
    add(case_db, "Người C", "Nội dung C")
    assert [(r["speak_order"], r["petitioner"]) for r in cli.json("session", "speakers", session)] == [(1, "Người A")]
    assert "đã dành cho" in cli.fail("petition", "add", "--session", session, "--name", "E", "--content", "E",
                                     "--order", "1").stderr


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_requires_a_database_and_an_initialised_unit(cli, db_path):
    assert "doithoai init" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01").stderr
    assert "doithoai init" in cli.fail("field", "list").stderr
    assert not db_path.exists()  # refused commands create nothing
    from doithoai.base import open_base

    open_base(db_path).conn.close()  # a base that exists but belongs to no unit yet
    assert "chưa được khởi tạo" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01").stderr
