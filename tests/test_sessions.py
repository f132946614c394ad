"""Sessions: creation with milestones, the lifecycle, refused steps, editing the date."""

from __future__ import annotations

import pytest
from conftest import add_petition, dump

KEYS = {"id", "code", "commune", "date", "status", "notice_by", "review_by", "answer_due", "complex_answer_due"}


def test_create_computes_milestones(cli, session):
    [row] = cli.json("session", "list")
    assert set(row) >= KEYS
    assert row["code"] == session
    assert (row["date"], row["status"]) == ("2023-09-14", "planned")
    assert row["notice_by"] == "2023-09-05"  # 7 working days before, skipping 1–4/9
    assert row["review_by"] == "2023-09-21"
    assert row["answer_due"] == "2023-10-05"
    assert row["complex_answer_due"] == "2023-10-26"
    table = cli("session", "list").stdout
    assert "14/09/2023" in table and "Đã lên kế hoạch" in table


def test_lifecycle_in_order(cli, session):
    warn = cli("session", "notice", session, "--on", "2023-09-07", "--as-of", "2023-09-07").stderr
    assert "muộn hơn hạn 05/09/2023" in warn
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("session", "conclude", session, "--text", "Giao các cơ quan trả lời đúng hạn")
    cli("session", "review", session, "--on", "2023-09-20", "--as-of", "2023-09-20")
    cli("session", "close", session, "--as-of", "2023-11-01")
    s = cli.json("session", "show", session)
    assert s["status"] == "closed"
    assert (s["notice_sent_on"], s["held_on"], s["reviewed_on"], s["closed_on"]) == (
        "2023-09-07", "2023-09-14", "2023-09-20", "2023-11-01")
    assert s["conclusion"] == "Giao các cơ quan trả lời đúng hạn"


def test_refused_steps(cli, session, db_path):
    before = dump(db_path)
    assert "ở tương lai" in cli.fail("session", "hold", session, "--as-of", "2023-09-10").stderr
    assert "cần trạng thái" in cli.fail("session", "close", session).stderr
    assert "chưa tổ chức" in cli.fail("session", "conclude", session, "--text", "x").stderr
    assert "ở tương lai" in cli.fail("session", "notice", session, "--on", "2023-09-10", "--as-of", "2023-09-01").stderr
    assert "Không có cuộc đối thoại" in cli.fail("session", "show", "2099-x").stderr
    assert "không tồn tại" in cli.fail("session", "create", "--commune", "X", "--date", "31/02/2023").stderr
    assert "Giờ không hợp lệ" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01", "--time", "25:00").stderr
    assert "đã có" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01", "--code", session).stderr
    assert dump(db_path) == before


def test_close_refused_while_petitions_are_open(cli, session):
    add_petition(cli, session)
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("session", "review", session, "--on", "2023-09-20", "--as-of", "2023-09-20")
    assert "Còn 1 kiến nghị" in cli.fail("session", "close", session, "--as-of", "2023-11-01").stderr


def test_edit_date_recomputes_and_reports(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    out = cli("session", "edit", session, "--date", "15/09/2023").stderr
    assert "hạn trả lời 05/10/2023 → 06/10/2023" in out
    assert f"Kiến nghị số {pid}: hạn trả lời 05/10/2023 → 06/10/2023" in out
    assert cli.json("petition", "list")[0]["due_on"] == "2023-10-06"
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-15")
    assert "không đổi ngày được nữa" in cli.fail("session", "edit", session, "--date", "2023-09-20").stderr
    cli("session", "edit", session, "--location", "Nhà văn hóa bản Khoen")
    assert cli.json("session", "show", session)["location"] == "Nhà văn hóa bản Khoen"


def test_speakers_in_registered_order(cli, session):
    add_petition(cli, session, "Người A", "Nội dung A", "--speak")
    add_petition(cli, session, "Người B", "Nội dung B", "--order", "5")
    add_petition(cli, session, "Người C", "Nội dung C")
    add_petition(cli, session, "Người D", "Nội dung D", "--speak")
    rows = cli.json("session", "speakers", session)
    assert [(r["speak_order"], r["petitioner"]) for r in rows] == [(1, "Người A"), (5, "Người B"), (6, "Người D")]
    assert "đã dành cho" in cli.fail("petition", "add", "--session", session, "--name", "E", "--content", "E",
                                     "--order", "5").stderr


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_requires_a_database_and_an_initialised_unit(cli, db_path):
    assert "doithoai init" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01").stderr
    assert "doithoai init" in cli.fail("field", "list").stderr
    assert not db_path.exists()  # refused commands create nothing
    from doithoai.base import open_base

    open_base(db_path).conn.close()  # a base that exists but belongs to no unit yet
    assert "chưa được khởi tạo" in cli.fail("session", "create", "--commune", "X", "--date", "2023-10-01").stderr
