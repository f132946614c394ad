"""Petitions: intake, every lifecycle transition, every refused one, search and filters."""

from __future__ import annotations

import csv
import io

from conftest import add_petition, dump

JSON_KEYS = {"id", "session", "petitioner", "address", "phone", "field", "source", "content", "status",
             "lead_agency", "due_on"}


def held(cli, session):
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")


def test_add_normalises_and_lists_with_stable_keys(cli, session):
    cli("petition", "add", "--session", session, "--name", "Lo\u0300 Va\u0306n  Tha\u0306\u0301ng",  # NFD input
        "--content", "Đề nghị   cấp giấy chứng nhận", "--address", "Bản Nà Khương", "--phone", "+84 977 123 456",
        "--field", "dat dai", "--source", "mttq", "--speak", "--as-of", "2023-09-05")
    [row] = cli.json("petition", "list")
    assert set(row) >= JSON_KEYS
    assert row["petitioner"] == "Lò Văn Thắng"  # stored NFC
    assert row["content"] == "Đề nghị cấp giấy chứng nhận"
    assert row["phone"] == "0977123456"
    assert row["field"] == "Đất đai"
    assert row["source"] == "mttq"
    assert row["status"] == "new"
    assert row["due_on"] == "2023-10-05"  # unassigned: the session's answer date
    assert row["speak_order"] == 1


def test_search_is_diacritic_insensitive(cli, session):
    add_petition(cli, session, "Lò Văn Thắng", "Tranh chấp đất đai với hộ liền kề")
    add_petition(cli, session, "Hoàng Thị Mai", "Nước sinh hoạt bị mất")
    assert [r["petitioner"] for r in cli.json("petition", "list", "--search", "dat dai")] == ["Lò Văn Thắng"]
    assert [r["petitioner"] for r in cli.json("petition", "list", "--search", "ĐẤT")] == ["Lò Văn Thắng"]
    assert [r["petitioner"] for r in cli.json("petition", "list", "--search", "hoang mai")] == ["Hoàng Thị Mai"]
    assert cli.json("petition", "list", "--search", "điện") == []


def test_full_lifecycle_written_answer(cli, session):
    pid = add_petition(cli, session)
    held(cli, session)
    cli("petition", "answer", pid, "--at-meeting", "--summary", "Giải thích quy trình cấp giấy")
    assert cli.json("petition", "list")[0]["status"] == "new"  # still needs a written answer
    out = cli("petition", "assign", pid, "TN&MT", "--support", "UBXA", "--as-of", "2023-09-14").stderr
    assert "hạn trả lời 05/10/2023" in out
    row = cli.json("petition", "list", "--agency", "UBXA")[0]
    assert (row["status"], row["lead_agency"]) == ("assigned", "TNMT")
    cli("petition", "conclude", pid, "--text", "Giao Phòng TN&MT kiểm tra, trả lời")
    out = cli("petition", "answer", pid, "--written", "--doc-number", "125/UBND-TNMT", "--doc-date", "06/10/2023",
              "--summary", "Đủ điều kiện cấp giấy", "--resolved", "--as-of", "2023-10-10").stderr
    assert "trả lời muộn" in out
    assert cli.json("petition", "list")[0]["status"] == "answered"
    cli("petition", "close", pid, "--as-of", "2023-10-10")
    assert cli.json("petition", "list")[0]["status"] == "closed"
    cli("petition", "reopen", pid, "--reason", "Công dân chưa đồng ý", "--as-of", "2023-10-11")
    assert cli.json("petition", "list")[0]["status"] == "assigned"

    show = cli("petition", "show", pid, "--as-of", "2023-10-11").stdout
    for text in ("Trả lời tại hội nghị", "Giao TNMT chủ trì, hạn 05/10/2023", "Giao UBXA phối hợp",
                 "văn bản số 125/UBND-TNMT ngày 06/10/2023", "Đóng", "Mở lại: Công dân chưa đồng ý",
                 "Kết luận của người chủ trì : Giao Phòng TN&MT kiểm tra, trả lời"):
        assert text in show, text
    log = cli.json("log", "--petition", pid)
    assert [e["action"] for e in log] == ["petition.add", "petition.answer_meeting", "petition.assign",
                                          "petition.conclude", "petition.answer_written", "petition.close",
                                          "petition.reopen"]
    assert all("Lò Văn" not in (e["before"] or "") + (e["after"] or "") for e in log)  # no personal data


def test_answer_at_meeting_resolved(cli, session):
    pid = add_petition(cli, session)
    held(cli, session)
    cli("petition", "answer", pid, "--at-meeting", "--resolved", "--summary", "Đã giải quyết tại chỗ")
    assert cli.json("petition", "list")[0]["status"] == "answered"


def test_complex_assignment_needs_a_reason_and_uses_30_days(cli, session, db_path):
    pid = add_petition(cli, session)
    before = dump(db_path)
    assert "cần nêu lý do" in cli.fail("petition", "assign", pid, "TNMT", "--complex").stderr
    assert dump(db_path) == before
    cli("petition", "assign", pid, "TNMT", "--complex", "--reason", "Cần đo đạc thực địa")
    row = cli.json("petition", "list")[0]
    assert row["due_on"] == "2023-10-26" and row["complex"] == 1


def test_transfer_records_pending_notifications(cli, session):
    pid = add_petition(cli, session)
    out = cli("petition", "transfer", pid, "--to", "Công ty Điện lực Lai Châu", "--doc-number", "12-CV/HU",
              "--doc-date", "2023-09-20", "--as-of", "2023-09-20").stderr
    assert "thông báo" in out
    assert "Còn phải thông báo cho : người kiến nghị, MTTQ, đoàn thể" in cli("petition", "show", pid).stdout
    cli("petition", "notify", pid, "--to", "petitioner", "--as-of", "2023-09-21")
    cli("petition", "notify", pid, "--to", "mttq", "--as-of", "2023-09-21")
    assert "Còn phải thông báo" not in cli("petition", "show", pid).stdout
    assert cli.json("petition", "list")[0]["status"] == "transferred"


def test_escalate_defaults_to_the_parent_body(cli, session):
    pid = add_petition(cli, session)
    out = cli("petition", "escalate", pid, "--reason", "Vượt thẩm quyền của huyện").stderr
    assert "Tỉnh ủy Lai Châu" in out
    assert cli.json("petition", "list")[0]["status"] == "escalated"


def test_verify_records_an_action(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "verify", pid, "--note", "Cần đo đạc lại ranh giới")
    assert "Kiểm tra, xác minh: Cần đo đạc lại ranh giới" in cli("petition", "show", pid).stdout


def test_refused_transitions_say_why_and_change_nothing(cli, session, db_path):
    pid = add_petition(cli, session)
    before = dump(db_path)
    cases = [
        (("petition", "close", pid), "Chỉ đóng kiến nghị đã trả lời"),
        (("petition", "reopen", pid, "--reason", "x"), "vẫn đang mở"),
        (("petition", "answer", pid, "--at-meeting", "--summary", "x"), "chưa diễn ra"),
        (("petition", "conclude", pid, "--text", "x"), "chưa diễn ra"),
        (("petition", "answer", pid, "--written", "--summary", "x"), "cần số và ngày văn bản"),
        (("petition", "answer", pid, "--summary", "x"), "đúng một trong"),
        (("petition", "answer", pid, "--written", "--doc-number", "1", "--doc-date", "2099-01-01", "--summary", "x"), "tương lai"),
        (("petition", "assign", pid, "KHONGCO"), "Không có cơ quan"),
        (("petition", "assign", pid, "TNMT", "--support", "TNMT"), "đã là cơ quan chủ trì"),
        (("petition", "assign", 999, "TNMT"), "Không có kiến nghị số 999"),
        (("petition", "notify", pid, "--to", "ai-do"), "Không rõ thông báo"),
    ]
    for args, message in cases:
        assert message in cli.fail(*args).stderr, args
    assert dump(db_path) == before
    cli("petition", "transfer", pid, "--to", "Sở Tư pháp")
    after_transfer = dump(db_path)
    for args, message in [
        (("petition", "assign", pid, "TNMT"), "reopen"),
        (("petition", "transfer", pid, "--to", "X"), "Đã chuyển"),
        (("petition", "escalate", pid, "--reason", "x"), "Đã chuyển"),
        (("petition", "answer", pid, "--written", "--doc-number", "1", "--doc-date", "2023-09-20", "--summary", "x"), "Đã chuyển"),
    ]:
        assert message in cli.fail(*args).stderr, args
    assert dump(db_path) == after_transfer


def test_bad_input_is_refused_with_the_fix(cli, session, db_path):
    before = dump(db_path)
    base = ("petition", "add", "--session", session, "--name", "Lò Văn A")
    assert "Không có cuộc đối thoại" in cli.fail("petition", "add", "--session", "nope", "--name", "A", "--content", "B").stderr
    assert "Nội dung: thiếu nội dung" in cli.fail(*base, "--content", "   ").stderr
    err = cli.fail(*base, "--content", "X", "--field", "thiên văn").stderr
    assert "Lĩnh vực: không có lĩnh vực 'thiên văn'" in err and "Đất đai;" in err
    assert "Số điện thoại: số điện thoại không hợp lệ: '12345'" in cli.fail(*base, "--content", "X", "--phone", "12345").stderr
    assert "Nguồn: nguồn 'bao-mang' không hợp lệ" in cli.fail(*base, "--content", "X", "--source", "bao-mang").stderr
    assert "ký tự điều khiển" in cli.fail(*base, "--content", "Nội\x00dung").stderr
    assert "không tồn tại" in cli.fail(*base, "--content", "X", "--registered-on", "31/02/2023").stderr
    assert dump(db_path) == before
    cli(*base, "--content", "Nội dung một", "--form-no", "P7")
    after = dump(db_path)
    assert "Phiếu số P7 đã được tiếp nhận" in cli.fail(*base, "--content", "Nội dung khác", "--form-no", "P7").stderr
    assert dump(db_path) == after


def test_overdue_filter_and_days(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "TNMT")
    assert cli.json("petition", "list", "--overdue", "--as-of", "2023-10-05") == []  # due date itself: not overdue
    [row] = cli.json("petition", "list", "--overdue", "--as-of", "2023-10-09")  # Fri 6 and Mon 9
    assert row["days_overdue"] == 2


def test_csv_output_has_bom_and_vietnamese_headers(cli, session):
    add_petition(cli, session, "Lò Văn Thắng", "=HYPERLINK(\"x\")")
    raw = cli("petition", "list", "-f", "csv").stdout_bytes
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Số", "Cuộc ĐT", "Người kiến nghị"]
    assert rows[1][2] == "Lò Văn Thắng"
    assert rows[1][8] == "'=HYPERLINK(\"x\")"  # formula neutralised


def test_filters(cli, session):
    a = add_petition(cli, session, "A", "Đất ở", "--field", "đất đai", "--source", "mttq")
    add_petition(cli, session, "B", "Hộ nghèo", "--field", "CSXH")
    assert [r["id"] for r in cli.json("petition", "list", "--field", "dat dai")] == [a]
    assert [r["id"] for r in cli.json("petition", "list", "--source", "mttq")] == [a]
    assert len(cli.json("petition", "list", "--status", "new")) == 2
    assert "Trạng thái 'open' không hợp lệ" in cli.fail("petition", "list", "--status", "open").stderr
