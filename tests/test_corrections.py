"""Corrections that keep the trail: every correction, what it refuses, and the event it leaves.

The rules on the services (`case_db`); the CLI tests at the end keep the messages a clerk
reads (what was changed, which documents may still carry the old text, which command fixes).
"""

from __future__ import annotations

import datetime as dt
import json

from case import HELD, SESSION, add, events, fetch, hold, ids, import_files, refused, row, rows, session_on, write
from conftest import add_petition, dump

from doithoai import agencies, corrections, reports, sessions, settings
from doithoai import petition_actions as actions
from doithoai.errors import InvalidTransition, NotFound

D = dt.date


def write_batch(path, n=3, extra=""):
    path.write_text("Họ và tên,Số điện thoại,Nội dung\n"
                    + "".join(f"Người {i}{extra},09771234{i:02d},Nội dung số {i}{extra}\n" for i in range(n)), encoding="utf-8")
    return path


# -- rules, on the services ---------------------------------------------------------------

def test_edit_a_typo_keeps_before_and_after(case_db):
    db = case_db
    pid = add(db, "Lò Văn Thắng", "Đề nghị cấp giấy chứng nhận quyền sử dng đất")
    r = write(db, corrections.edit, D(2023, 9, 6), pid, content="Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
              field="đất đai", urgency="khan", name="Lò Văn Thắng (bản Nà Khương)")
    assert list(r["changed"]) == ["content", "field_id", "urgency"] and r["petitioner_changed"] == ["name"]
    listed = row(db, pid)
    assert (listed["content"], listed["field"], listed["urgency"], listed["petitioner"]) == (
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất", "Đất đai", "khan", "Lò Văn Thắng (bản Nà Khương)")
    [e] = events(db, "petition.edit")
    assert e["before"]["content"].endswith("sử dng đất") and e["after"]["content"].endswith("sử dụng đất")
    assert e["before"]["urgency"] == "thuong" and e["after"]["urgency"] == "khan"
    assert e["after"]["petitioner_fields"] == ["name"] and "Lò Văn" not in json.dumps(e, ensure_ascii=False)
    refused(db, "không có gì thay đổi", corrections.edit, D(2023, 9, 6), pid, urgency="khan")
    refused(db, "Không có gì thay đổi", corrections.edit, D(2023, 9, 6), pid)
    refused(db, "phải là số dương", corrections.edit, D(2023, 9, 6), pid, speak_order=0)
    refused(db, "ở tương lai", corrections.edit, D(2023, 9, 6), pid, registered_on=D(2099, 1, 1))


def test_edit_speaking_order_stays_unique_and_moves_to_the_right_session(case_db):
    db = case_db
    a = add(db, "A", "Một", order=1)
    b = add(db, "B", "Hai", order=2)
    refused(db, f"đã dành cho kiến nghị số {a}", corrections.edit, HELD, b, speak_order=1)
    other = session_on(db, "Ta Gia", D(2023, 9, 20))
    write(db, corrections.edit, HELD, b, session=other)
    moved = row(db, b)
    assert (moved["session"], moved["speak_order"]) == (other, 1)
    assert moved["due_on"] > "2023-10-05"  # the new session's answer date
    write(db, actions.assign, HELD, a, "TNMT")
    refused(db, "đã được giao xử lý", corrections.edit, HELD, a, session=other, error=InvalidTransition)


def test_import_undo_reimport_and_undo_after_undo(case_db, isolated):
    db = case_db
    f = write_batch(isolated / "nham.csv")
    wrong = session_on(db, "Ta Gia", D(2023, 9, 20))
    import_files(db, f, session=wrong)
    [batch] = corrections.batches(db)
    assert (batch["id"], batch["file"], batch["session"], batch["rows_new"], batch["state"]) == (1, "nham.csv", wrong, 3, "imported")
    assert write(db, corrections.undo_import, 1, reason="Nhập nhầm cuộc đối thoại")["removed"] == 3
    assert rows(db) == []  # out of every listing, count and document
    assert ids(db, status="withdrawn") == [1, 2, 3]  # kept in history
    [batch] = corrections.batches(db)
    assert batch["state"] == "undone" and batch["undo_reason"] == "Nhập nhầm cuộc đối thoại" and batch["petitions"] == 0
    [e] = events(db, "import.undo")
    assert e["before"]["petitions"] == [1, 2, 3] and e["after"]["withdrawn"] == [1, 2, 3]
    refused(db, "lô nhập đã hủy", corrections.restore, HELD, 1, reason="x", error=InvalidTransition)
    refused(db, "đã được hủy", corrections.undo_import, 1, error=InvalidTransition)  # undo after undo
    # the same file, now into the right session; then a second undo and a third import
    assert import_files(db, f).total("new") == 3
    write(db, corrections.undo_import, 2)
    assert import_files(db, f).total("new") == 3
    assert [b["state"] for b in corrections.batches(db)] == ["undone", "undone", "imported"]
    assert sorted(ids(db)) == [7, 8, 9]  # numbers are never reused
    refused(db, "Không có lô nhập số 9", corrections.undo_import, 9, error=NotFound)


def test_undo_refused_after_an_assignment_lists_what_was_done(case_db, isolated):
    db = case_db
    import_files(db, write_batch(isolated / "lo.csv"))
    second = ids(db)[1]
    write(db, actions.assign, HELD, second, "TNMT")
    refused(db, rf"1 kiến nghị đã được xử lý sau khi tiếp nhận \(số {second}: đã giao\)", corrections.undo_import, 1,
            error=InvalidTransition)


def test_withdraw_takes_a_petition_out_of_every_count_and_restore_brings_it_back(case_db):
    db = case_db
    pid = add(db)
    other = add(db, "Lò Thị B", "Nước sạch")
    write(db, actions.assign, HELD, pid, "TNMT")
    write(db, corrections.withdraw, D(2023, 9, 20), pid, reason="Công dân rút đơn")
    assert ids(db) == [other]
    assert ids(db, status="withdrawn") == [pid]
    assert all(r["id"] != pid for r in reports.overdue(db, D(2023, 12, 1)))
    assert reports.summary(db, D(2023, 12, 1))["total"] == 1
    [e] = events(db, "petition.withdraw")
    assert e["before"] == {"status": "assigned"} and e["after"]["status"] == "withdrawn"
    refused(db, "đã ở trạng thái 'Đã rút / nhập nhầm'", corrections.withdraw, HELD, pid, reason="x",
            error=InvalidTransition)
    write(db, corrections.restore, HELD, pid, reason="Rút nhầm")
    assert {r["id"]: r["status"] for r in rows(db)}[pid] == "assigned"
    [e] = events(db, "petition.restore")
    assert e["before"] == {"status": "withdrawn"} and e["after"] == {"status": "assigned", "reason": "Rút nhầm"}
    refused(db, "không ở trạng thái đã rút", corrections.restore, HELD, pid, reason="x", error=InvalidTransition)
    write(db, corrections.withdraw, HELD, other, reason="Nhập nhầm", mistake=True)
    assert "Nhập nhầm: Nhập nhầm" in fetch(db, "SELECT set_aside_reason FROM petitions WHERE id = ?", [other])[0][0]


def test_merge_and_unmerge_duplicates_and_unflag(case_db, isolated):
    db = case_db
    a = add(db, "Lò Văn Minh", "Đề nghị sửa đường vào bản", phone="0977123456")
    f = isolated / "mttq.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường vào bản Mường\n", encoding="utf-8")
    b = import_files(db, f, source="mttq").duplicates[0]["id"]
    [flag] = corrections.duplicates(db)
    assert (flag["id"], flag["earlier_id"]) == (b, a)
    assert write(db, corrections.merge, HELD, a, b) == {"id": b, "status": "duplicate", "duplicate_of": a}
    assert corrections.duplicates(db) == []
    assert ids(db) == [a]
    assert fetch(db, "SELECT status, duplicate_of FROM petitions WHERE id = ?", [b]) == [("duplicate", a)]
    [e] = events(db, "petition.merge")
    assert e["before"] == {"duplicate_of": None, "status": "new"} and e["after"] == {"duplicate_of": a, "status": "duplicate"}
    refused(db, "đang ở trạng thái 'Trùng, đã gộp'", corrections.merge, HELD, a, b, error=InvalidTransition)
    refused(db, "Hai số kiến nghị giống nhau", corrections.merge, HELD, a, a)
    write(db, corrections.unmerge, HELD, b)
    assert sorted(ids(db)) == [a, b]
    [e] = events(db, "petition.unmerge")
    assert e["before"]["duplicate_of"] == a and e["after"] == {"duplicate_of": None, "status": "new"}
    refused(db, "chưa được gộp", corrections.unmerge, HELD, b, error=InvalidTransition)
    # a result recorded on the other: merge the other way round
    write(db, actions.assign, HELD, b, "TNMT")
    write(db, actions.transfer, D(2023, 9, 20), b, to="Công ty điện lực")
    err = refused(db, f"Kiến nghị số {b} đã có kết quả", corrections.merge, HELD, a, b, error=InvalidTransition)
    assert "Gộp theo chiều ngược lại" in err.hint
    # unflag: two different matters
    g = isolated / "mttq2.csv"
    g.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường vào bản Mường nữa\n", encoding="utf-8")
    c = import_files(db, g).duplicates[0]["id"]
    write(db, corrections.unflag, c)
    assert corrections.duplicates(db) == []
    assert events(db, "petition.unflag")[0]["after"] == {"flags": []}
    refused(db, "không có đánh dấu nghi trùng", corrections.unflag, c)


def test_petitioner_edit_and_merge(case_db):
    db = case_db
    add(db, "Lò Văn Minh", "Một", phone="0977123456")
    add(db, "Lo Van Minh", "Hai", address="Bản Mường")
    assert fetch(db, "SELECT COUNT(*) FROM petitioners") == [(2,)]
    write(db, corrections.edit_petitioner, 2, name="Lò Văn Minh", phone="0912345678")
    err = refused(db, "Đã có người kiến nghị số 1", corrections.edit_petitioner, 2, phone="0977123456")
    assert (err.fix.action, err.fix.args) == ("petitioner.merge", {"keep": 1, "other": 2})
    refused(db, "Không có người kiến nghị số 9", corrections.edit_petitioner, 9, name="X", error=NotFound)
    write(db, corrections.merge_petitioners, 1, 2)
    assert {r["petitioner"] for r in rows(db)} == {"Lò Văn Minh"}
    assert fetch(db, "SELECT COUNT(*) FROM petitioners") == [(1,)]
    [e] = events(db, "petitioner.merge")
    assert e["before"] == {"other": 2} and e["after"] == {"petitions_moved": [2]}
    assert events(db, "petitioner.edit")[0]["after"] == {"fields": ["name", "phone"]}


def test_reopen_gives_a_new_due_date_from_the_reopening(case_db):
    db = case_db
    pid = add(db)
    write(db, actions.assign, D(2023, 9, 15), pid, "TNMT")
    write(db, actions.answer, D(2023, 10, 2), pid, written=True, doc_number="12/UBND", doc_date=D(2023, 10, 2),
          summary="Đã cấp", accepted=False)
    assert fetch(db, "SELECT accepted FROM actions WHERE kind = 'answer_written'") == [(0,)]
    assert events(db, "petition.answer_written")[0]["after"]["accepted"] == 0
    r = write(db, actions.reopen, D(2023, 11, 1), pid, reason="Công dân chưa đồng ý")
    assert r["due_on"] == "2023-11-22"  # 15 working days after Wed 1/11
    listed = row(db, pid, D(2023, 11, 2))
    assert (listed["status"], listed["due_on"], listed["days_overdue"]) == ("assigned", "2023-11-22", 0)
    assert reports.overdue(db, D(2023, 11, 2)) == []
    [e] = events(db, "petition.reopen")
    assert e["after"]["due_on"] == "2023-11-22" and e["after"]["due_before"] == "2023-10-05"
    write(db, settings.set_value, "deadline.reopen_days", "5")
    write(db, actions.answer, D(2023, 11, 10), pid, written=True, doc_number="13/UBND", doc_date=D(2023, 11, 10),
          summary="Trả lời lại", accepted=True)
    write(db, actions.reopen, D(2023, 11, 13), pid, reason="Lần hai")
    assert row(db, pid)["due_on"] == "2023-11-20"


def test_interim_answer_keeps_the_petition_open(case_db):
    db = case_db
    pid = add(db)
    write(db, actions.assign, HELD, pid, "TNMT")
    r = write(db, actions.answer, D(2023, 9, 25), pid, written=False, interim=True, summary="Đang đo đạc, xác minh")
    assert r == {"id": pid, "status": "assigned", "interim": True}
    assert row(db, pid)["status"] == "assigned"
    assert fetch(db, "SELECT kind, on_date FROM actions") == [("answer_interim", "2023-09-25")]
    [e] = events(db, "petition.answer_interim")
    assert e["after"] == {"doc_number": "", "on": "2023-09-25"}


def test_retroactive_hold_and_impossible_timelines(case_db):
    db = case_db
    pid = add(db)  # registered 05/09/2023
    _, warnings = write(db, sessions.advance, SESSION, "held", HELD, D(2023, 12, 1))  # notice never recorded
    assert any("Chưa ghi nhận ngày gửi giấy mời" in w for w in warnings)
    assert fetch(db, "SELECT status, notice_sent_on, held_on FROM sessions") == [("held", None, "2023-09-14")]
    write(db, actions.assign, HELD, pid, "TNMT")
    refused(db, "Ngày trả lời 01/09/2023 trước ngày tiếp nhận kiến nghị 05/09/2023", actions.answer, D(2023, 12, 1),
            pid, written=True, doc_number="1/UBND", doc_date=D(2023, 9, 1), summary="x")
    late = add(db, "Người Đến Sau", "Nội dung", today=D(2023, 9, 20), registered_on=D(2023, 9, 20))
    refused(db, "tiếp nhận ngày 20/09/2023, sau hội nghị 14/09/2023", actions.answer, D(2023, 12, 1), late,
            written=False, summary="x")


def test_session_cancel(case_db):
    from doithoai import petitions

    db = case_db
    pid = add(db)
    refused(db, rf"còn 1 kiến nghị \({pid}\)", sessions.cancel, SESSION, reason="Mưa lũ", on=D(2023, 9, 10),
            error=InvalidTransition)
    refused(db, "Thiếu lý do", sessions.cancel, SESSION, reason=" ", on=D(2023, 9, 10))
    write(db, corrections.withdraw, D(2023, 9, 10), pid, reason="Nhập nhầm", mistake=True)
    s = write(db, sessions.cancel, SESSION, reason="Mưa lũ, hoãn sang năm sau", on=D(2023, 9, 10))
    assert (s["status"], s["cancelled_on"]) == ("cancelled", "2023-09-10")
    refused(db, "không nhận thêm kiến nghị", petitions.add, D(2023, 9, 10), session=SESSION, name="A", content="B",
            error=InvalidTransition)
    refused(db, "chỉ hủy được cuộc đối thoại chưa diễn ra", sessions.cancel, SESSION, reason="x", on=D(2023, 9, 10),
            error=InvalidTransition)
    [e] = events(db, "session.cancel")
    assert e["before"] == {"status": "planned"} and e["after"]["reason"] == "Mưa lũ, hoãn sang năm sau"


def test_agency_deactivate_requires_reassignment(case_db):
    db = case_db
    a = add(db)
    b = add(db, "Lò Thị B", "Nước sạch")
    write(db, actions.assign, HELD, a, "TNMT", ["UBXA"])
    write(db, actions.assign, HELD, b, "UBXA")
    err = refused(db, f"còn 2 kiến nghị đang xử lý \\(số {a}, {b}\\)", agencies.set_active, "UBXA", False,
                  today=HELD, error=InvalidTransition)
    assert err.fix.action == "agency.deactivate_reassign"
    refused(db, "trùng với cơ quan ngừng hoạt động", agencies.set_active, "UBXA", False, today=HELD, reassign_to="UBXA")
    r = write(db, agencies.set_active, "UBXA", False, today=HELD, reassign_to="LDTBXH")
    assert r["reassigned"] == [a, b]
    listed = {x["id"]: x for x in rows(db)}
    assert listed[b]["lead_agency"] == "LDTBXH" and listed[b]["due_on"] == "2023-10-05"
    assert fetch(db, "SELECT a.code, x.role FROM assignments x JOIN agencies a ON a.id = x.agency_id "
                   "WHERE x.petition_id = ? AND x.active = 1 ORDER BY x.role", [a]) == [("TNMT", "lead"), ("LDTBXH", "support")]
    [e] = events(db, "agency.deactivate")
    assert e["after"] == {"active": 0, "reassigned_to": "LDTBXH", "petitions": [a, b]}
    refused(db, "đã ngừng rồi", agencies.set_active, "UBXA", False, today=HELD)


def test_the_same_file_in_another_session_says_where_its_rows_are(case_db, isolated):
    db = case_db
    f = write_batch(isolated / "lo.csv")
    other = session_on(db, "Ta Gia", D(2023, 9, 20))
    import_files(db, f, session=other)
    out = import_files(db, f)
    assert (out.total("new"), out.total("present")) == (0, 3)
    assert f"3 dòng đã có trong cuộc đối thoại {other} (lô 1)" in out.files[0].notes[0]
    write(db, corrections.undo_import, 1)
    assert import_files(db, f).total("new") == 3


def test_a_reopened_petition_assigned_afterwards_is_due_from_the_reopening(case_db):
    db = case_db
    pid = add(db)
    hold(db)
    write(db, actions.answer, HELD, pid, written=False, resolved=True, summary="Đã giải thích")
    write(db, actions.reopen, D(2023, 11, 1), pid, reason="Chưa đồng ý")
    r = write(db, actions.assign, D(2023, 11, 2), pid, "TNMT")
    assert r["due_on"] == "2023-11-22" and r["due_rule"].startswith("Mở lại ngày 01/11/2023")
    listed = row(db, pid, D(2023, 11, 2))
    assert (listed["status"], listed["due_on"], listed["days_overdue"]) == ("assigned", "2023-11-22", 0)


def test_a_closed_session_keeps_its_petitions_as_they_are(case_db):
    db = case_db
    pid = add(db)
    hold(db)
    write(db, actions.answer, HELD, pid, written=False, resolved=True, summary="Đã giải thích")
    write(db, sessions.advance, SESSION, "reviewed", D(2023, 9, 20), D(2023, 9, 20))
    write(db, sessions.advance, SESSION, "closed", D(2023, 11, 1), D(2023, 11, 1))
    for service, kwargs in ((corrections.edit, {"content": "Khác"}), (corrections.withdraw, {"reason": "x"}),
                            (actions.reopen, {"reason": "x"})):
        refused(db, "đã kết thúc", service, D(2023, 11, 2), pid, error=InvalidTransition, **kwargs)
    refused(db, "hồ sơ đã kết thúc", corrections.edit_petitioner, 1, name="Lò Văn Khác", error=InvalidTransition)


# -- what the clerk sees, through the CLI -------------------------------------------------

def test_edit_says_what_changed_and_what_it_refuses(cli, session, db_path, case_db):
    pid = add(case_db, "Lò Văn Thắng", "Đề nghị cấp giấy chứng nhận quyền sử dng đất")
    r = cli("petition", "edit", pid, "--content", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
            "--field", "đất đai", "--urgency", "khan", "--name", "Lò Văn Thắng (bản Nà Khương)", "--as-of", "2023-09-06")
    assert f"Đã sửa kiến nghị số {pid}: content, field_id, urgency, name." in r.stderr
    before = dump(db_path)
    assert "không có gì thay đổi" in cli.fail("petition", "edit", pid, "--urgency", "khan").stderr
    assert "phải là số dương" in cli.fail("petition", "edit", pid, "--order", "0").stderr
    assert "ở tương lai" in cli.fail("petition", "edit", pid, "--registered-on", "01/01/2099").stderr
    assert dump(db_path) == before


def test_import_list_and_undo_through_the_cli(cli, session, db_path, isolated, case_db):
    f = write_batch(isolated / "nham.csv")
    import_files(case_db, f)
    [batch] = cli.json("import", "list")
    assert (batch["id"], batch["file"], batch["rows_new"], batch["state"]) == (1, "nham.csv", 3, "imported")
    add(case_db)
    write(case_db, actions.assign, HELD, 4, "TNMT")
    r = cli("import", "undo", "1", "--reason", "Nhập nhầm cuộc đối thoại")
    assert "bỏ 3 kiến nghị" in r.stderr
    assert "đã hủy" in cli("import", "list").stdout
    before = dump(db_path)
    assert "đã được hủy" in cli.fail("import", "undo", "1").stderr
    assert "Không có lô nhập số 9" in cli.fail("import", "undo", "9").stderr
    assert dump(db_path) == before
    import_files(case_db, f)
    write(case_db, actions.assign, HELD, 6, "TNMT")
    err = cli.fail("import", "undo", "2").stderr
    assert "1 kiến nghị đã được xử lý sau khi tiếp nhận (số 6: đã giao)" in err and "petition withdraw" in err


def test_withdraw_merge_and_petitioner_commands_say_what_they_did(cli, session, isolated, case_db):
    pid = add(case_db, "Lò Văn Minh", "Đề nghị sửa đường vào bản", phone="0977123456")
    f = isolated / "mttq.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường vào bản Mường\n", encoding="utf-8")
    dup = cli.json("petition", "import", f, "--session", session, "--source", "mttq")["duplicates"][0]["id"]
    assert [(d["id"], d["earlier_id"]) for d in cli.json("petition", "duplicates")] == [(dup, pid)]
    assert "Đã gộp" in cli("petition", "merge", pid, dup).stderr
    assert "đang ở trạng thái 'Trùng, đã gộp'" in cli.fail("petition", "merge", pid, dup).stderr
    cli("petition", "unmerge", dup)
    cli("petition", "assign", dup, "TNMT")
    cli("petition", "transfer", dup, "--to", "Công ty điện lực", "--as-of", "2023-09-20")
    assert "Gộp theo chiều ngược lại" in cli.fail("petition", "merge", pid, dup).stderr
    cli("petition", "withdraw", pid, "--reason", "Công dân rút đơn", "--as-of", "2023-09-20")
    assert [r["id"] for r in cli.json("petition", "list", "--status", "withdrawn")] == [pid]
    assert "đã ở trạng thái 'Đã rút / nhập nhầm'" in cli.fail("petition", "withdraw", pid, "--reason", "x").stderr
    cli("petition", "restore", pid, "--reason", "Rút nhầm")
    add(case_db, "Lo Van Minh", "Hai", address="Bản Mường")
    cli("petitioner", "edit", "2", "--name", "Lò Văn Minh", "--phone", "0912345678")
    err = cli.fail("petitioner", "edit", "2", "--phone", "0977123456").stderr
    assert "Đã có người kiến nghị số 1" in err and "petitioner merge 1 2" in err
    cli("petitioner", "merge", "1", "2")
    assert {r["petitioner"] for r in cli.json("petition", "list")} == {"Lò Văn Minh"}


def test_reopen_interim_and_retroactive_hold_messages(cli, session, case_db):
    pid = add(case_db)
    r = cli("session", "hold", session, "--as-of", "2023-12-01")  # notice never recorded
    assert "Chưa ghi nhận ngày gửi giấy mời" in r.stderr
    cli("petition", "assign", pid, "TNMT", "--as-of", "2023-09-15")
    r = cli("petition", "answer", pid, "--interim", "--summary", "Đang đo đạc, xác minh", "--as-of", "2023-09-25")
    assert "trả lời tạm thời" in r.stderr
    err = cli.fail("petition", "answer", pid, "--written", "--doc-number", "1/UBND", "--doc-date", "01/09/2023",
                   "--summary", "x", "--as-of", "2023-12-01").stderr
    assert "Ngày trả lời 01/09/2023 trước ngày tiếp nhận kiến nghị 05/09/2023" in err
    cli("petition", "answer", pid, "--written", "--doc-number", "12/UBND", "--doc-date", "02/10/2023",
        "--summary", "Đã cấp", "--accepted", "--as-of", "2023-10-02")
    assert "Đã cấp; người kiến nghị đồng ý" in cli("petition", "show", pid).stdout
    r = cli("petition", "reopen", pid, "--reason", "Công dân chưa đồng ý", "--as-of", "2023-11-01")
    assert "hạn trả lời mới 22/11/2023" in r.stderr


def test_session_cancel_and_agency_deactivate_messages(cli, session, db_path, case_db):
    pid = add(case_db)
    write(case_db, actions.assign, HELD, pid, "UBXA")
    assert f"còn 1 kiến nghị ({pid})" in cli.fail("session", "cancel", session, "--reason", "Mưa lũ").stderr
    before = dump(db_path)
    err = cli.fail("agency", "deactivate", "UBXA").stderr
    assert f"còn 1 kiến nghị đang xử lý (số {pid})" in err and "--reassign-to" in err
    assert dump(db_path) == before
    assert "1 kiến nghị đang xử lý đã giao lại cho LDTBXH" in cli("agency", "deactivate", "UBXA", "--reassign-to", "LDTBXH").stderr
    cli("petition", "withdraw", pid, "--reason", "Nhập nhầm", "--mistake")
    cli("session", "cancel", session, "--reason", "Mưa lũ, hoãn sang năm sau", "--as-of", "2023-09-10")
    assert cli.json("session", "show", session)["status"] == "cancelled"
    assert "không nhận thêm kiến nghị" in cli.fail("petition", "add", "--session", session, "--name", "A", "--content", "B").stderr


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


def test_edit_names_only_documents_that_cite_the_old_text(cli, session, isolated, case_db):
    a = add(case_db, "Lò Văn Minh", "Đường vào bản Mường bị sạt lở", speak=True)
    b = add(case_db, "Tòng Thị Xuân", "Xin hỗ trợ giống lúa")  # not in the minutes
    hold(case_db)
    cli("doc", "minutes", session, "-o", isolated / "bb.docx")
    assert write(case_db, corrections.edit, D(2023, 9, 15), b, content="Xin hỗ trợ giống ngô")["documents"] == []
    [doc] = write(case_db, corrections.edit, D(2023, 9, 15), a, content="Đường vào bản Mường sạt lở nặng")["documents"]
    assert doc["kind"] == "minutes" and doc["path"].endswith("bb.docx")
    r = cli("petition", "edit", a, "--content", "Đường vào bản Mường sạt lở rất nặng", "--as-of", "2023-09-15")
    assert "Văn bản đã ban hành có thể còn nội dung cũ: minutes" not in r.stderr  # the minutes cite the first text
    r = cli("petition", "edit", b, "--content", "Xin hỗ trợ giống lúa", "--as-of", "2023-09-15")
    assert "Văn bản đã ban hành" not in r.stderr


def test_refusals_exit_1_without_a_traceback(cli, session):
    assert "Không có kiến nghị số 42" in cli.fail("petition", "withdraw", "42", "--reason", "x").stderr
