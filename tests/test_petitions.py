"""Petitions: intake, every lifecycle transition, every refused one, search and filters.

The rules are checked on the services (a copied base, `case_db`); the CLI tests at the end
keep what a clerk sees: option names, messages, exit codes, the table, CSV and JSON shapes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from case import HELD, SESSION, add, events, hold, ids, refused, row, rows, write
from conftest import add_petition, dump

from doithoai import petition_actions as actions
from doithoai import petition_listing as listing
from doithoai.errors import InvalidTransition, NotFound
from doithoai.events import recent_events

JSON_KEYS = {"id", "session", "petitioner", "address", "phone", "field", "source", "content", "status",
             "lead_agency", "due_on"}
D = dt.date


# -- rules, on the services ---------------------------------------------------------------

def test_add_normalises_what_is_typed(case_db):
    add(case_db, "Lo\u0300 Va\u0306n  Tha\u0306\u0301ng", "Đề nghị   cấp giấy chứng nhận",  # NFD input
        address="Bản Nà Khương", phone="+84 977 123 456", field="dat dai", source="mttq", speak=True)
    [r] = rows(case_db)
    assert set(r) >= JSON_KEYS
    assert r["petitioner"] == "Lò Văn Thắng"  # stored NFC, spaces folded
    assert r["content"] == "Đề nghị cấp giấy chứng nhận"
    assert (r["phone"], r["field"], r["source"], r["status"]) == ("0977123456", "Đất đai", "mttq", "new")
    assert r["due_on"] == "2023-10-05"  # unassigned: the session's answer date
    assert r["speak_order"] == 1


def test_search_is_diacritic_insensitive(case_db):
    add(case_db, "Lò Văn Thắng", "Tranh chấp đất đai với hộ liền kề")
    add(case_db, "Hoàng Thị Mai", "Nước sinh hoạt bị mất")

    def found(words):
        return [r["petitioner"] for r in rows(case_db, search=words)]

    assert found("dat dai") == found("ĐẤT") == ["Lò Văn Thắng"]
    assert found("hoang mai") == ["Hoàng Thị Mai"]
    assert found("điện") == []


def test_full_lifecycle_written_answer(case_db):
    db = case_db
    pid = add(db)
    hold(db)
    write(db, actions.answer, HELD, pid, written=False, summary="Giải thích quy trình cấp giấy")
    assert row(db, pid)["status"] == "new"  # still needs a written answer
    r = write(db, actions.assign, HELD, pid, "TN&MT", ["UBXA"])
    assert (r["due_on"], r["lead_agency"], r["support"]) == ("2023-10-05", "TNMT", ["UBXA"])
    [listed] = rows(db, agency="UBXA")
    assert (listed["status"], listed["lead_agency"]) == ("assigned", "TNMT")
    write(db, actions.conclude, HELD, pid, text="Giao Phòng TN&MT kiểm tra, trả lời")
    r = write(db, actions.answer, D(2023, 10, 10), pid, written=True, doc_number="125/UBND-TNMT",
              doc_date=D(2023, 10, 6), summary="Đủ điều kiện cấp giấy", resolved=True)
    assert (r["status"], r["on_time"]) == ("answered", False)  # 06/10 after the 05/10 due date
    write(db, actions.close, D(2023, 10, 10), pid)
    assert row(db, pid)["status"] == "closed"
    write(db, actions.reopen, D(2023, 10, 11), pid, reason="Công dân chưa đồng ý")
    assert row(db, pid)["status"] == "assigned"

    timeline = [t["what"] for t in listing.show(db, pid, D(2023, 10, 11))["timeline"]]
    for text in ("Trả lời tại hội nghị: Giải thích quy trình cấp giấy", "Giao TNMT chủ trì, hạn 05/10/2023 (đã thay)",
                 "Giao UBXA phối hợp, hạn 05/10/2023 (đã thay)",
                 "Trả lời bằng văn bản: văn bản số 125/UBND-TNMT ngày 06/10/2023; Đủ điều kiện cấp giấy", "Đóng",
                 "Mở lại: Công dân chưa đồng ý"):
        assert text in timeline, (text, timeline)
    assert listing.show(db, pid, D(2023, 10, 11))["conclusion"] == "Giao Phòng TN&MT kiểm tra, trả lời"
    log = recent_events(db, petition=pid)
    assert [e["action"] for e in log] == ["petition.add", "petition.answer_meeting", "petition.assign",
                                          "petition.conclude", "petition.answer_written", "petition.close",
                                          "petition.reopen"]
    assert all("Lò Văn" not in (e["before"] or "") + (e["after"] or "") for e in log)  # no personal data


def test_answer_at_meeting_resolved(case_db):
    pid = add(case_db)
    hold(case_db)
    assert write(case_db, actions.answer, HELD, pid, written=False, resolved=True,
                 summary="Đã giải quyết tại chỗ")["status"] == "answered"
    assert row(case_db, pid)["status"] == "answered"


def test_complex_assignment_needs_a_reason_and_uses_30_days(case_db):
    pid = add(case_db)
    refused(case_db, "cần nêu lý do", actions.assign, HELD, pid, "TNMT", complex_=True)
    write(case_db, actions.assign, HELD, pid, "TNMT", complex_=True, reason="Cần đo đạc thực địa")
    r = row(case_db, pid)
    assert r["due_on"] == "2023-10-26" and r["complex"] == 1 and r["complex_reason"] == "Cần đo đạc thực địa"


def test_transfer_records_pending_notifications(case_db):
    pid = add(case_db)
    r = write(case_db, actions.transfer, D(2023, 9, 20), pid, to="Công ty Điện lực Lai Châu", doc_number="12-CV/HU",
              doc_date=D(2023, 9, 20))
    assert r["pending_notifications"] == ["người kiến nghị", "MTTQ, đoàn thể"]
    assert listing.show(case_db, pid, HELD)["pending_notifications"] == ["người kiến nghị", "MTTQ, đoàn thể"]
    write(case_db, actions.notify, D(2023, 9, 21), pid, who="petitioner")
    assert listing.show(case_db, pid, HELD)["pending_notifications"] == ["MTTQ, đoàn thể"]
    write(case_db, actions.notify, D(2023, 9, 21), pid, who="mttq")
    assert listing.show(case_db, pid, HELD)["pending_notifications"] == []
    assert row(case_db, pid)["status"] == "transferred"


def test_escalate_defaults_to_the_superior_body(case_db):
    pid = add(case_db)
    r = write(case_db, actions.escalate, HELD, pid, reason="Vượt thẩm quyền của huyện")
    assert (r["to"], row(case_db, pid)["status"]) == ("Tỉnh ủy Lai Châu", "escalated")


def test_verify_records_an_action(case_db):
    pid = add(case_db)
    write(case_db, actions.verify, HELD, pid, note="Cần đo đạc lại ranh giới")
    timeline = [t["what"] for t in listing.show(case_db, pid, HELD)["timeline"]]
    assert "Kiểm tra, xác minh: Cần đo đạc lại ranh giới" in timeline
    assert row(case_db, pid)["status"] == "new"


def test_refused_transitions_say_why_and_change_nothing(case_db):
    db = case_db
    pid = add(db)
    refused(db, "Không thể đóng kiến nghị số 1: đang ở trạng thái 'Mới tiếp nhận'", actions.close, HELD, pid, error=InvalidTransition)
    refused(db, "Không thể mở lại kiến nghị số 1", actions.reopen, HELD, pid, reason="x", error=InvalidTransition)
    refused(db, "chưa diễn ra", actions.answer, HELD, pid, written=False, summary="x", error=InvalidTransition)
    refused(db, "chưa diễn ra", actions.conclude, HELD, pid, text="x", error=InvalidTransition)
    refused(db, "cần số và ngày văn bản", actions.answer, HELD, pid, written=True, summary="x")
    refused(db, "tương lai", actions.answer, HELD, pid, written=True, doc_number="1", doc_date=D(2099, 1, 1), summary="x")
    refused(db, "Không có cơ quan", actions.assign, HELD, pid, "KHONGCO")
    refused(db, "đã là cơ quan chủ trì", actions.assign, HELD, pid, "TNMT", ["TNMT"])
    refused(db, "Không có kiến nghị số 999", actions.assign, HELD, 999, "TNMT", error=NotFound)
    refused(db, "Không rõ thông báo", actions.notify, HELD, pid, who="ai-do")
    write(db, actions.transfer, HELD, pid, to="Sở Tư pháp")
    refused(db, "Đã chuyển", actions.assign, HELD, pid, "TNMT", error=InvalidTransition)
    refused(db, "Đã chuyển", actions.transfer, HELD, pid, to="X", error=InvalidTransition)
    refused(db, "Đã chuyển", actions.escalate, HELD, pid, reason="x", error=InvalidTransition)
    refused(db, "Đã chuyển", actions.answer, D(2023, 9, 20), pid, written=True, doc_number="1",
            doc_date=D(2023, 9, 20), summary="x", error=InvalidTransition)


def test_bad_intake_is_refused_naming_the_field_and_writes_nothing(case_db):
    from doithoai import petitions

    db = case_db
    refused(db, "Không có cuộc đối thoại", petitions.add, HELD, session="nope", name="A", content="B", error=NotFound)
    refused(db, "Nội dung: thiếu nội dung", petitions.add, HELD, session=SESSION, name="Lò Văn A", content="   ")
    err = refused(db, "Lĩnh vực: không có lĩnh vực 'thiên văn'", petitions.add, HELD, session=SESSION,
                  name="Lò Văn A", content="X", field="thiên văn")
    assert "Đất đai;" in str(err)  # the fields there are, to choose from
    refused(db, r"Số điện thoại: số điện thoại không hợp lệ: '12345'", petitions.add, HELD, session=SESSION,
            name="Lò Văn A", content="X", phone="12345")
    refused(db, "Nguồn: nguồn 'bao-mang' không hợp lệ", petitions.add, HELD, session=SESSION,
            name="Lò Văn A", content="X", source="bao-mang")
    refused(db, "ký tự điều khiển", petitions.add, HELD, session=SESSION, name="Lò Văn A", content="Nội\x00dung")
    first = add(db, "Lò Văn A", "Nội dung một", form_no="P7")
    refused(db, f"Phiếu số P7 đã được tiếp nhận .*kiến nghị số {first}", petitions.add, HELD, session=SESSION,
            name="Lò Văn A", content="Nội dung khác", form_no="P7")


def test_overdue_from_the_day_after_the_due_date_in_working_days(case_db):
    pid = add(case_db)
    write(case_db, actions.assign, HELD, pid, "TNMT")
    assert rows(case_db, D(2023, 10, 5), overdue=True) == []  # the due date itself: not overdue
    [r] = rows(case_db, D(2023, 10, 9), overdue=True)  # Fri 6 and Mon 9
    assert (r["id"], r["days_overdue"]) == (pid, 2)


def test_filters(case_db):
    from doithoai.errors import DoithoaiError

    a = add(case_db, "A", "Đất ở", field="đất đai", source="mttq")
    add(case_db, "B", "Hộ nghèo", field="CSXH")
    assert ids(case_db, field="dat dai") == [a]
    assert ids(case_db, source="mttq") == [a]
    assert len(ids(case_db, status="new")) == 2
    with pytest.raises(DoithoaiError, match="Trạng thái 'open' không hợp lệ"):
        rows(case_db, status="open")


def test_the_log_keeps_every_step_without_personal_data(case_db):
    pid = add(case_db, "Lò Văn Thắng", phone="0912345678", address="Bản Nà Khương")
    [e] = events(case_db, "petition.add")
    assert e["entity_id"] == pid and e["after"]["status"] == "new"
    assert not {"Lò Văn Thắng", "0912345678", "Bản Nà Khương"} & set(map(str, e["after"].values()))


# -- what the clerk sees, through the CLI -------------------------------------------------

def test_add_through_the_cli_maps_every_option(cli, session):
    out = cli("petition", "add", "--session", session, "--name", "Lò Văn Thắng", "--content", "Đề nghị cấp giấy",
              "--address", "Bản Nà Khương", "--phone", "+84 977 123 456", "--field", "dat dai", "--source", "mttq",
              "--speak", "--as-of", "2023-09-05").stderr
    assert "Đã tiếp nhận kiến nghị số 1 (hạn trả lời 05/10/2023)" in out
    [r] = cli.json("petition", "list")
    assert set(r) >= JSON_KEYS
    assert (r["phone"], r["field"], r["source"], r["speak_order"], r["address"]) == (
        "0977123456", "Đất đai", "mttq", 1, "Bản Nà Khương")


def test_lifecycle_messages_and_the_record(cli, session, case_db):
    pid = add(case_db)
    hold(case_db)
    cli("petition", "answer", pid, "--at-meeting", "--summary", "Giải thích quy trình cấp giấy")
    out = cli("petition", "assign", pid, "TN&MT", "--support", "UBXA", "--as-of", "2023-09-14").stderr
    assert "hạn trả lời 05/10/2023" in out
    cli("petition", "conclude", pid, "--text", "Giao Phòng TN&MT kiểm tra, trả lời")
    out = cli("petition", "answer", pid, "--written", "--doc-number", "125/UBND-TNMT", "--doc-date", "06/10/2023",
              "--summary", "Đủ điều kiện cấp giấy", "--resolved", "--as-of", "2023-10-10").stderr
    assert "trả lời muộn" in out
    cli("petition", "close", pid, "--as-of", "2023-10-10")
    out = cli("petition", "reopen", pid, "--reason", "Công dân chưa đồng ý", "--as-of", "2023-10-11").stderr
    assert "Đã mở lại kiến nghị số 1; hạn trả lời mới" in out
    show = cli("petition", "show", pid, "--as-of", "2023-10-11").stdout
    for text in ("Trả lời tại hội nghị", "Giao TNMT chủ trì, hạn 05/10/2023", "Giao UBXA phối hợp",
                 "văn bản số 125/UBND-TNMT ngày 06/10/2023", "Đóng", "Mở lại: Công dân chưa đồng ý",
                 "Kết luận của người chủ trì : Giao Phòng TN&MT kiểm tra, trả lời"):
        assert text in show, text
    assert [e["action"] for e in cli.json("log", "--petition", pid)][-2:] == ["petition.close", "petition.reopen"]


def test_transfer_and_escalate_say_what_is_left_to_do(cli, session, case_db):
    pid, other = add(case_db), add(case_db, "Lò Thị Hoa", "Đề nghị sửa đường")
    out = cli("petition", "transfer", pid, "--to", "Công ty Điện lực Lai Châu", "--doc-number", "12-CV/HU",
              "--doc-date", "2023-09-20", "--as-of", "2023-09-20").stderr
    assert "thông báo" in out
    assert "Còn phải thông báo cho : người kiến nghị, MTTQ, đoàn thể" in cli("petition", "show", pid).stdout
    cli("petition", "notify", pid, "--to", "petitioner", "--as-of", "2023-09-21")
    cli("petition", "notify", pid, "--to", "mttq", "--as-of", "2023-09-21")
    assert "Còn phải thông báo" not in cli("petition", "show", pid).stdout
    assert "Tỉnh ủy Lai Châu" in cli("petition", "escalate", other, "--reason", "Vượt thẩm quyền của huyện").stderr
    cli("petition", "verify", other, "--note", "Cần đo đạc lại ranh giới")
    assert "Kiểm tra, xác minh: Cần đo đạc lại ranh giới" in cli("petition", "show", other).stdout


def test_refusals_print_the_reason_and_exit_1(cli, session, db_path, case_db):
    pid = add(case_db)
    before = dump(db_path)
    assert "Chỉ đóng kiến nghị đã trả lời" in cli.fail("petition", "close", pid).stderr
    assert "vẫn đang mở" in cli.fail("petition", "reopen", pid, "--reason", "x").stderr
    assert "đúng một trong" in cli.fail("petition", "answer", pid, "--summary", "x").stderr  # option check
    assert "cần nêu lý do" in cli.fail("petition", "assign", pid, "TNMT", "--complex").stderr
    assert "Không có kiến nghị số 999" in cli.fail("petition", "assign", 999, "TNMT").stderr
    assert dump(db_path) == before
    cli("petition", "transfer", pid, "--to", "Sở Tư pháp")
    assert "reopen" in cli.fail("petition", "assign", pid, "TNMT").stderr  # the command that would allow it


def test_bad_input_is_refused_with_the_fix(cli, session, db_path):
    before = dump(db_path)
    base = ("petition", "add", "--session", session, "--name", "Lò Văn A")
    assert "Không có cuộc đối thoại" in cli.fail("petition", "add", "--session", "nope", "--name", "A", "--content", "B").stderr
    err = cli.fail(*base, "--content", "X", "--field", "thiên văn").stderr
    assert "Lĩnh vực: không có lĩnh vực 'thiên văn'" in err and "Đất đai;" in err
    assert "không tồn tại" in cli.fail(*base, "--content", "X", "--registered-on", "31/02/2023").stderr  # date option
    assert dump(db_path) == before
    cli(*base, "--content", "Nội dung một", "--form-no", "P7")
    assert "Phiếu số P7 đã được tiếp nhận" in cli.fail(*base, "--content", "Nội dung khác", "--form-no", "P7").stderr


def test_overdue_listing_through_the_cli(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    assert cli.json("petition", "list", "--overdue", "--as-of", "2023-10-05") == []
    [r] = cli.json("petition", "list", "--overdue", "--as-of", "2023-10-09")
    assert r["days_overdue"] == 2


def test_csv_output_has_bom_and_vietnamese_headers(cli, session, case_db):
    add(case_db, "Lò Văn Thắng", "=HYPERLINK(\"x\")")
    raw = cli("petition", "list", "-f", "csv").stdout_bytes
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["Số", "Cuộc ĐT", "Người kiến nghị"]
    assert table[1][2] == "Lò Văn Thắng"
    assert table[1][8] == "'=HYPERLINK(\"x\")"  # formula neutralised


def test_filter_options(cli, session, case_db):
    a = add(case_db, "A", "Đất ở", field="đất đai", source="mttq")
    add(case_db, "B", "Hộ nghèo", field="CSXH")
    assert [r["id"] for r in cli.json("petition", "list", "--field", "dat dai", "--source", "mttq")] == [a]
    assert [r["petitioner"] for r in cli.json("petition", "list", "--search", "ho ngheo")] == ["B"]
    assert "Trạng thái 'open' không hợp lệ" in cli.fail("petition", "list", "--status", "open").stderr
