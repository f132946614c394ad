"""Corrections that keep the trail: every command, what it refuses, and the event it leaves."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import add_petition, dump


def events(cli, action: str) -> list[dict]:
    rows = [r for r in cli.json("log", "--limit", "1000") if r["action"] == action]
    for r in rows:
        r["before"] = json.loads(r["before"]) if r["before"] else None
        r["after"] = json.loads(r["after"]) if r["after"] else None
    return rows


def query(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def write_batch(path, n=3, extra=""):
    path.write_text("Họ và tên,Số điện thoại,Nội dung\n"
                    + "".join(f"Người {i}{extra},09771234{i:02d},Nội dung số {i}{extra}\n" for i in range(n)), encoding="utf-8")
    return path


def test_edit_a_typo_keeps_before_and_after_and_names_issued_documents(cli, session, db_path, isolated):
    pid = add_petition(cli, session, "Lò Văn Thắng", "Đề nghị cấp giấy chứng nhận quyền sử dng đất")
    r = cli("petition", "edit", pid, "--content", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
            "--field", "đất đai", "--urgency", "khan", "--name", "Lò Văn Thắng (bản Nà Khương)", "--as-of", "2023-09-06")
    assert f"Đã sửa kiến nghị số {pid}: content, field_id, urgency, name." in r.stderr
    row = cli.json("petition", "list")[0]
    assert (row["content"], row["field"], row["urgency"], row["petitioner"]) == (
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất", "Đất đai", "khan", "Lò Văn Thắng (bản Nà Khương)")
    [e] = events(cli, "petition.edit")
    assert e["before"]["content"].endswith("sử dng đất") and e["after"]["content"].endswith("sử dụng đất")
    assert e["before"]["urgency"] == "thuong" and e["after"]["urgency"] == "khan"
    assert e["after"]["petitioner_fields"] == ["name"] and "Lò Văn" not in json.dumps(e, ensure_ascii=False)
    before = dump(db_path)
    assert "không có gì thay đổi" in cli.fail("petition", "edit", pid, "--urgency", "khan").stderr
    assert "phải là số dương" in cli.fail("petition", "edit", pid, "--order", "0").stderr
    assert "ở tương lai" in cli.fail("petition", "edit", pid, "--registered-on", "01/01/2099").stderr
    assert dump(db_path) == before


def test_edit_speaking_order_stays_unique_and_moves_to_the_right_session(cli, session, db_path):
    a = add_petition(cli, session, "A", "Một", "--order", "1")
    b = add_petition(cli, session, "B", "Hai", "--order", "2")
    assert f"đã dành cho kiến nghị số {a}" in cli.fail("petition", "edit", b, "--order", "1").stderr
    cli("session", "create", "--commune", "Ta Gia", "--date", "20/09/2023")
    cli("petition", "edit", b, "--session", "2023-ta-gia")
    row = next(r for r in cli.json("petition", "list") if r["id"] == b)
    assert (row["session"], row["speak_order"]) == ("2023-ta-gia", 1)
    assert row["due_on"] > "2023-10-05"  # the new session's answer date


def test_import_list_undo_reimport_and_undo_after_undo(cli, session, db_path, isolated):
    f = write_batch(isolated / "nham.csv")
    cli("session", "create", "--commune", "Ta Gia", "--date", "20/09/2023")
    cli("petition", "import", f, "--session", "2023-ta-gia")  # the wrong session
    [batch] = cli.json("import", "list")
    assert (batch["id"], batch["file"], batch["session"], batch["rows_new"], batch["state"]) == (1, "nham.csv", "2023-ta-gia", 3, "imported")
    r = cli("import", "undo", "1", "--reason", "Nhập nhầm cuộc đối thoại")
    assert "bỏ 3 kiến nghị" in r.stderr
    assert cli.json("petition", "list") == []  # out of every listing, count and document
    assert [r["id"] for r in cli.json("petition", "list", "--status", "withdrawn")] == [1, 2, 3]  # kept in history
    [batch] = cli.json("import", "list")
    assert batch["state"] == "undone" and batch["undo_reason"] == "Nhập nhầm cuộc đối thoại"
    [e] = events(cli, "import.undo")
    assert e["before"]["petitions"] == [1, 2, 3] and e["after"]["withdrawn"] == [1, 2, 3]
    assert "lô nhập đã hủy" in cli.fail("petition", "restore", "1", "--reason", "x").stderr
    before = dump(db_path)
    assert "đã được hủy" in cli.fail("import", "undo", "1").stderr  # undo after undo
    assert dump(db_path) == before
    # the same file, now into the right session; then a second undo and a third import
    assert cli.json("petition", "import", f, "--session", session)["new"] == 3
    cli("import", "undo", "2")
    assert cli.json("petition", "import", f, "--session", session)["new"] == 3
    assert [b["state"] for b in cli.json("import", "list")] == ["undone", "undone", "imported"]
    assert sorted(r["id"] for r in cli.json("petition", "list")) == [7, 8, 9]  # numbers are never reused
    assert "Không có lô nhập số 9" in cli.fail("import", "undo", "9").stderr


def test_undo_refused_after_an_assignment_lists_what_was_done(cli, session, db_path, isolated):
    cli.json("petition", "import", write_batch(isolated / "lo.csv"), "--session", session)
    ids = [r["id"] for r in cli.json("petition", "list")]
    cli("petition", "assign", ids[1], "TNMT")
    before = dump(db_path)
    err = cli.fail("import", "undo", "1").stderr
    assert f"1 kiến nghị đã được xử lý sau khi tiếp nhận (số {ids[1]}: đã giao)" in err
    assert "petition withdraw" in err
    assert dump(db_path) == before


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_withdraw_takes_a_petition_out_of_every_count_and_restore_brings_it_back(cli, session, db_path):
    pid = add_petition(cli, session)
    other = add_petition(cli, session, "Lò Thị B", "Nước sạch")
    cli("petition", "assign", pid, "TNMT")
    cli("petition", "withdraw", pid, "--reason", "Công dân rút đơn", "--as-of", "2023-09-20")
    assert [r["id"] for r in cli.json("petition", "list")] == [other]
    assert [r["id"] for r in cli.json("petition", "list", "--status", "withdrawn")] == [pid]
    assert cli.json("report", "overdue", "--as-of", "2023-12-01") == [] or all(
        r["id"] != pid for r in cli.json("report", "overdue", "--as-of", "2023-12-01"))
    summary = cli.json("report", "summary", "--as-of", "2023-12-01")
    assert summary["total"] == 1
    [e] = events(cli, "petition.withdraw")
    assert e["before"] == {"status": "assigned"} and e["after"]["status"] == "withdrawn"
    assert "đã ở trạng thái 'Đã rút / nhập nhầm'" in cli.fail("petition", "withdraw", pid, "--reason", "x").stderr
    cli("petition", "restore", pid, "--reason", "Rút nhầm")
    assert {r["id"]: r["status"] for r in cli.json("petition", "list")}[pid] == "assigned"
    [e] = events(cli, "petition.restore")
    assert e["before"] == {"status": "withdrawn"} and e["after"] == {"status": "assigned", "reason": "Rút nhầm"}
    # a withdrawn petition does not hold a session open
    cli("petition", "withdraw", other, "--reason", "Nhập nhầm", "--mistake")
    assert "Nhập nhầm: Nhập nhầm" in query(db_path, "SELECT set_aside_reason FROM petitions WHERE id = ?", [other])[0][0]


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_merge_and_unmerge_duplicates_and_unflag(cli, session, db_path, isolated):
    a = add_petition(cli, session, "Lò Văn Minh", "Đề nghị sửa đường vào bản", "--phone", "0977123456")
    f = isolated / "mttq.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường vào bản Mường\n", encoding="utf-8")
    out = cli.json("petition", "import", f, "--session", session, "--source", "mttq")
    b = out["duplicates"][0]["id"]
    [flag] = cli.json("petition", "duplicates")
    assert (flag["id"], flag["earlier_id"]) == (b, a)
    assert "Đã gộp" in cli("petition", "merge", a, b).stderr
    assert cli.json("petition", "duplicates") == []
    assert [r["id"] for r in cli.json("petition", "list")] == [a]
    assert query(db_path, "SELECT status, duplicate_of FROM petitions WHERE id = ?", [b]) == [("duplicate", a)]
    [e] = events(cli, "petition.merge")
    assert e["before"] == {"duplicate_of": None, "status": "new"} and e["after"] == {"duplicate_of": a, "status": "duplicate"}
    assert "đang ở trạng thái 'Trùng, đã gộp'" in cli.fail("petition", "merge", a, b).stderr
    cli("petition", "unmerge", b)
    assert sorted(r["id"] for r in cli.json("petition", "list")) == [a, b]
    [e] = events(cli, "petition.unmerge")
    assert e["before"]["duplicate_of"] == a and e["after"] == {"duplicate_of": None, "status": "new"}
    assert "chưa được gộp" in cli.fail("petition", "unmerge", b).stderr
    # a result recorded on the other: merge the other way round
    cli("petition", "assign", b, "TNMT")
    cli("petition", "transfer", b, "--to", "Công ty điện lực", "--as-of", "2023-09-20")
    assert "Gộp theo chiều ngược lại" in cli.fail("petition", "merge", a, b).stderr
    # unflag: two different matters
    g = isolated / "mttq2.csv"
    g.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường vào bản Mường nữa\n", encoding="utf-8")
    c = cli.json("petition", "import", g, "--session", session)["duplicates"][0]["id"]
    cli("petition", "unflag", c)
    assert cli.json("petition", "duplicates") == []
    assert events(cli, "petition.unflag")[0]["after"] == {"flags": []}
    assert "không có đánh dấu nghi trùng" in cli.fail("petition", "unflag", c).stderr


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_petitioner_edit_and_merge(cli, session, db_path):
    add_petition(cli, session, "Lò Văn Minh", "Một", "--phone", "0977123456")
    add_petition(cli, session, "Lo Van Minh", "Hai", "--address", "Bản Mường")
    assert query(db_path, "SELECT COUNT(*) FROM petitioners")[0][0] == 2
    cli("petitioner", "edit", "2", "--name", "Lò Văn Minh", "--phone", "0912345678")
    assert "Đã có người kiến nghị số 1" in cli.fail("petitioner", "edit", "2", "--phone", "0977123456").stderr
    cli("petitioner", "merge", "1", "2")
    assert {r["petitioner"] for r in cli.json("petition", "list")} == {"Lò Văn Minh"}
    assert query(db_path, "SELECT COUNT(*) FROM petitioners")[0][0] == 1
    [e] = events(cli, "petitioner.merge")
    assert e["before"] == {"other": 2} and e["after"] == {"petitions_moved": [2]}
    assert events(cli, "petitioner.edit")[0]["after"] == {"fields": ["name", "phone"]}


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_reopen_gives_a_new_due_date_from_the_reopening(cli, session, db_path):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT", "--as-of", "2023-09-15")
    cli("petition", "answer", pid, "--written", "--doc-number", "12/UBND", "--doc-date", "02/10/2023",
        "--summary", "Đã cấp", "--not-accepted", "--as-of", "2023-10-02")
    assert query(db_path, "SELECT accepted FROM actions WHERE kind = 'answer_written'") == [(0,)]
    assert events(cli, "petition.answer_written")[0]["after"]["accepted"] == 0
    r = cli("petition", "reopen", pid, "--reason", "Công dân chưa đồng ý", "--as-of", "2023-11-01")
    assert "hạn trả lời mới 22/11/2023" in r.stderr  # 15 working days after Wed 1/11
    row = cli.json("petition", "list", "--as-of", "2023-11-02")[0]
    assert (row["status"], row["due_on"], row["days_overdue"]) == ("assigned", "2023-11-22", 0)
    assert cli.json("report", "overdue", "--as-of", "2023-11-02") == []
    [e] = events(cli, "petition.reopen")
    assert e["after"]["due_on"] == "2023-11-22" and e["after"]["due_before"] == "2023-10-05"
    cli("config", "set", "deadline.reopen_days", "5")
    cli("petition", "answer", pid, "--written", "--doc-number", "13/UBND", "--doc-date", "10/11/2023",
        "--summary", "Trả lời lại", "--accepted", "--as-of", "2023-11-10")
    cli("petition", "reopen", pid, "--reason", "Lần hai", "--as-of", "2023-11-13")
    assert cli.json("petition", "list")[0]["due_on"] == "2023-11-20"


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_interim_answer_keeps_the_petition_open(cli, session, db_path):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    r = cli("petition", "answer", pid, "--interim", "--summary", "Đang đo đạc, xác minh", "--as-of", "2023-09-25")
    assert "trả lời tạm thời" in r.stderr
    assert cli.json("petition", "list")[0]["status"] == "assigned"
    assert query(db_path, "SELECT kind, on_date FROM actions") == [("answer_interim", "2023-09-25")]
    [e] = events(cli, "petition.answer_interim")
    assert e["after"] == {"doc_number": "", "on": "2023-09-25"}


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_retroactive_hold_and_impossible_timelines(cli, session, db_path):
    pid = add_petition(cli, session)  # registered 05/09/2023
    r = cli("session", "hold", session, "--as-of", "2023-12-01")  # notice never recorded
    assert "Chưa ghi nhận ngày gửi giấy mời" in r.stderr
    assert query(db_path, "SELECT status, notice_sent_on, held_on FROM sessions") == [("held", None, "2023-09-14")]
    cli("petition", "assign", pid, "TNMT")
    before = dump(db_path)
    err = cli.fail("petition", "answer", pid, "--written", "--doc-number", "1/UBND", "--doc-date", "01/09/2023",
                   "--summary", "x", "--as-of", "2023-12-01").stderr
    assert "Ngày trả lời 01/09/2023 trước ngày tiếp nhận kiến nghị 05/09/2023" in err
    cli("petition", "add", "--session", session, "--name", "Người Đến Sau", "--content", "Nội dung",
        "--registered-on", "20/09/2023", "--as-of", "2023-09-20")
    late = max(r["id"] for r in cli.json("petition", "list"))
    before = dump(db_path)
    err = cli.fail("petition", "answer", late, "--at-meeting", "--summary", "x").stderr
    assert "tiếp nhận ngày 20/09/2023, sau hội nghị 14/09/2023" in err
    assert dump(db_path) == before


def test_session_cancel(cli, session, db_path):
    pid = add_petition(cli, session)
    err = cli.fail("session", "cancel", session, "--reason", "Mưa lũ").stderr
    assert f"còn 1 kiến nghị ({pid})" in err
    cli("petition", "withdraw", pid, "--reason", "Nhập nhầm", "--mistake")
    cli("session", "cancel", session, "--reason", "Mưa lũ, hoãn sang năm sau", "--as-of", "2023-09-10")
    assert cli.json("session", "show", session)["status"] == "cancelled"
    assert "không nhận thêm kiến nghị" in cli.fail("petition", "add", "--session", session, "--name", "A", "--content", "B").stderr
    assert "chỉ hủy được cuộc đối thoại chưa diễn ra" in cli.fail("session", "cancel", session, "--reason", "x").stderr
    [e] = events(cli, "session.cancel")
    assert e["before"] == {"status": "planned"} and e["after"]["reason"] == "Mưa lũ, hoãn sang năm sau"


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_agency_deactivate_requires_reassignment(cli, session, db_path):
    a = add_petition(cli, session)
    b = add_petition(cli, session, "Lò Thị B", "Nước sạch")
    cli("petition", "assign", a, "TNMT", "--support", "UBXA")
    cli("petition", "assign", b, "UBXA")
    before = dump(db_path)
    err = cli.fail("agency", "deactivate", "UBXA").stderr
    assert f"còn 2 kiến nghị đang xử lý (số {a}, {b})" in err and "--reassign-to" in err
    assert dump(db_path) == before
    r = cli("agency", "deactivate", "UBXA", "--reassign-to", "LDTBXH")
    assert "2 kiến nghị đang xử lý đã giao lại cho LDTBXH" in r.stderr
    rows = {r["id"]: r for r in cli.json("petition", "list")}
    assert rows[b]["lead_agency"] == "LDTBXH" and rows[b]["due_on"] == "2023-10-05"
    assert query(db_path, "SELECT a.code, x.role FROM assignments x JOIN agencies a ON a.id = x.agency_id "
                          "WHERE x.petition_id = ? AND x.active = 1 ORDER BY x.role", [a]) == [("TNMT", "lead"), ("LDTBXH", "support")]
    [e] = events(cli, "agency.deactivate")
    assert e["after"] == {"active": 0, "reassigned_to": "LDTBXH", "petitions": [a, b]}


def test_documents_leave_out_set_aside_petitions_and_edits_name_issued_documents(cli, session, isolated):
    from docx import Document

    keep = add_petition(cli, session, "Lò Văn Minh", "Đường vào bản Mường bị sạt lở", "--speak")
    gone = add_petition(cli, session, "Tòng Thị Xuân", "Nội dung nhập nhầm hoàn toàn", "--speak")
    dup = add_petition(cli, session, "Lò Văn Minh", "Đường vào bản Mường bị sạt lở nặng", "--speak")
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("petition", "withdraw", gone, "--reason", "Nhập nhầm", "--mistake", "--as-of", "2023-09-14")
    cli("petition", "merge", keep, dup, "--as-of", "2023-09-14")
    cli("doc", "minutes", session, "-o", isolated / "bb.docx")
    doc = Document(isolated / "bb.docx")
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "bản Mường bị sạt lở" in text
    assert "nhập nhầm hoàn toàn" not in text and "sạt lở nặng" not in text
    r = cli("petition", "edit", keep, "--content", "Đường vào bản Mường sạt lở", "--as-of", "2023-09-15")
    assert "Văn bản đã ban hành có thể còn nội dung cũ: minutes" in r.stderr and "bb.docx" in r.stderr


def test_the_same_file_in_another_session_says_where_its_rows_are(cli, session, isolated):
    f = write_batch(isolated / "lo.csv")
    cli("session", "create", "--commune", "Ta Gia", "--date", "20/09/2023")
    cli("petition", "import", f, "--session", "2023-ta-gia")
    out = cli.json("petition", "import", f, "--session", session)
    assert (out["new"], out["present"]) == (0, 3)
    assert "3 dòng đã có trong cuộc đối thoại 2023-ta-gia (lô 1)" in out["files"][0]["notes"][0]
    cli("import", "undo", "1")
    assert cli.json("petition", "import", f, "--session", session)["new"] == 3


def test_show_tells_whether_the_petitioner_accepted(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    cli("petition", "answer", pid, "--written", "--doc-number", "12/UBND", "--doc-date", "02/10/2023",
        "--summary", "Đã cấp", "--accepted", "--as-of", "2023-10-02")
    assert "Đã cấp; người kiến nghị đồng ý" in cli("petition", "show", pid).stdout


def test_edit_names_only_documents_that_cite_the_old_text(cli, session, isolated):
    a = add_petition(cli, session, "Lò Văn Minh", "Đường vào bản Mường bị sạt lở", "--speak")
    b = add_petition(cli, session, "Tòng Thị Xuân", "Xin hỗ trợ giống lúa")  # not in the minutes
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("doc", "minutes", session, "-o", isolated / "bb.docx")
    r = cli("petition", "edit", b, "--content", "Xin hỗ trợ giống ngô", "--as-of", "2023-09-15")
    assert "Văn bản đã ban hành" not in r.stderr
    r = cli("petition", "edit", a, "--content", "Đường vào bản Mường sạt lở nặng", "--as-of", "2023-09-15")
    assert "Văn bản đã ban hành có thể còn nội dung cũ: minutes" in r.stderr


def test_a_reopened_petition_assigned_afterwards_is_due_from_the_reopening(cli, session):
    pid = add_petition(cli, session)
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("petition", "answer", pid, "--at-meeting", "--resolved", "--summary", "Đã giải thích")
    cli("petition", "reopen", pid, "--reason", "Chưa đồng ý", "--as-of", "2023-11-01")
    cli("petition", "assign", pid, "TNMT", "--as-of", "2023-11-02")
    row = cli.json("petition", "list", "--as-of", "2023-11-02")[0]
    assert (row["status"], row["due_on"], row["days_overdue"]) == ("assigned", "2023-11-22", 0)
