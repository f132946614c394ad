"""Intake that never loses a petition: the hostile sheets of issue 11, built as real files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from case import HELD, add, import_files, import_refused, rows, write
from openpyxl import Workbook

from doithoai import agencies
from doithoai import petition_actions as actions

HEAD = ["STT", "Số phiếu", "Họ và tên", "Số điện thoại", "Địa chỉ", "Nội dung"]


def count(where, sql="SELECT COUNT(*) FROM petitions", params=()):
    """A count read from a base: an open one (services) or a file (CLI tests)."""
    if not isinstance(where, Path):
        return where.execute(sql, params).fetchone()[0]
    conn = sqlite3.connect(where)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_petition_add_and_an_import_of_the_same_data_give_identical_rows(cli, session, db_path, isolated):
    cli("petition", "add", "--session", session, "--name", "Lò Văn Thắng", "--phone", "0977 123 456",
        "--address", "Bản Nà Khương", "--content", "Đề nghị  cấp giấy chứng nhận", "--field", "dat dai",
        "--urgency", "khan", "--source", "mttq", "--form-no", "P1", "--registered-on", "05/09/2023",
        "--order", "3", "--as-of", "2023-09-06")
    other = isolated / "one.csv"
    other.write_text("Số phiếu,Họ và tên,Số điện thoại,Địa chỉ,Nội dung,Lĩnh vực,Mức độ,Nguồn,Ngày đăng ký,Thứ tự phát biểu\n"
                     "P1,Lò Văn Thắng,+84 977 123 456,Bản Nà Khương,Đề nghị cấp giấy chứng nhận,Đất đai,khẩn,MTTQ,2023-09-05,4\n",
                     encoding="utf-8")
    cli("petition", "import", other, "--session", session, "--as-of", "2023-09-06")
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    a, b = [dict(r) for r in conn.execute("SELECT * FROM petitions ORDER BY id")]
    conn.close()
    for key in ("id", "stable_key", "batch_id", "created_at", "speak_order"):
        a.pop(key), b.pop(key)
    assert a == b
    # same person (name + phone), same content: stored, and flagged for the clerk
    assert count(db_path, "SELECT COUNT(*) FROM petitioners") == 1
    assert count(db_path, "SELECT COUNT(*) FROM duplicate_flags WHERE state = 'open'") == 1


def test_speaking_numbers_are_unique_on_every_path(case_db, isolated):
    db = case_db
    add(db, "A", "Một", order=1)
    f = isolated / "speakers.csv"
    f.write_text("Họ và tên,Nội dung,Thứ tự phát biểu\nB,Hai,1\nC,Ba,2\nD,Bốn,2\n", encoding="utf-8")
    err = import_refused(db, "lỗi", f)
    assert f"{f}:2:C (Thứ tự phát biểu): thứ tự phát biểu 1 đã dành cho kiến nghị số 1" in err.message
    assert f"{f}:4:C (Thứ tự phát biểu): thứ tự phát biểu 2 đã dành cho {f}:3" in err.message
    f.write_text("Họ và tên,Nội dung,Thứ tự phát biểu,Đăng ký phát biểu\nB,Hai,,x\nC,Ba,2,\nD,Bốn,,có\n", encoding="utf-8")
    import_files(db, f)
    assert [(r["petitioner"], r["speak_order"]) for r in rows(db) if r["speak"]] == [("A", 1), ("C", 2), ("B", 3), ("D", 4)]


def test_a_second_sheet_numbered_from_one_loses_nothing(case_db, isolated):
    db = case_db
    wb = Workbook()
    ws = wb.active
    ws.title = "Xã Khoen On"
    ws.append(HEAD)
    ws.append([1, "1", "Lò Văn A", "", "Bản Mường", "Đường vào bản bị sạt lở"])
    ws.append([2, "2", "Lò Văn B", "", "Bản Mường", "Xin hỗ trợ giống lúa"])
    ws2 = wb.create_sheet("Xã Ta Gia")
    ws2.append(HEAD)
    ws2.append([1, "1", "Hoàng Thị C", "", "Bản Lướt", "Trạm y tế thiếu thuốc"])
    ws2.append([2, "2", "Hoàng Văn D", "", "Bản Lướt", "Chưa được cấp sổ đỏ"])
    wb.create_sheet("Ghi chú").append(["Bảng này tổng hợp từ hai xã"])
    path = isolated / "tong-hop.xlsx"
    wb.save(path)
    out = import_files(db, path, sheet="Xã Ta Gia")  # one sheet first
    assert (out.total("read"), out.total("new")) == (2, 2) and out.files[0].sheet == "Xã Ta Gia"
    out = import_files(db, path)  # then the whole workbook
    assert (out.total("read"), out.total("new"), out.total("present")) == (4, 2, 2)
    assert any("Trang 'Ghi chú'" in n for n in out.files[0].notes)
    assert count(db) == 4
    # run again: the file is known, nothing changes; the next export of it repeats its form numbers
    assert import_files(db, path).files[0].skipped_batch
    ws2.append([3, "3", "Hoàng Văn E", "", "Bản Lướt", "Mất điện thường xuyên"])
    wb.save(isolated / "tong-hop (2).xlsx")
    out = import_files(db, isolated / "tong-hop (2).xlsx")
    assert (out.total("new"), out.total("present")) == (1, 4)
    assert count(db) == 5


def test_homonyms_with_different_phones_are_two_petitioners_and_two_petitions(case_db, isolated):
    db = case_db
    f = isolated / "trung-ten.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977123456,Đề nghị sửa đường\n"
                 "Lò Văn Minh,0912345678,Đề nghị sửa đường\n", encoding="utf-8")
    out = import_files(db, f)
    assert (out.total("new"), out.total("present"), out.duplicates) == (2, 0, [])
    assert count(db, "SELECT COUNT(*) FROM petitioners") == 2
    # the same man (name + phone) with a similar text, from another file: imported, and flagged
    g = isolated / "mttq.csv"
    g.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn Minh,0977 123 456,Đề nghị sửa đường vào bản\n", encoding="utf-8")
    out = import_files(db, g)
    assert out.total("new") == 1 and [(d["id"], d["earlier_id"]) for d in out.duplicates] == [(3, 1)]
    assert count(db) == 3


def test_an_unclosed_quote_refuses_the_file(case_db, isolated):
    f = isolated / "ngoac-kep.csv"
    lines = "".join(f"Người {i},Nội dung {i}\n" for i in range(50))
    f.write_text(f"Họ và tên,Nội dung\nLò Văn A,\"Đường hỏng\n{lines}", encoding="utf-8")
    err = import_refused(case_db, "ô mở dấu ngoặc kép", f)
    assert f"{f}:2:B: ô mở dấu ngoặc kép" in err.message and "nuốt 50 dòng phía dưới (đến dòng 52)" in err.message
    assert count(case_db, "SELECT COUNT(*) FROM import_batches") == 0


def test_duplicate_columns_are_joined_or_refused_by_name(case_db, isolated):
    f = isolated / "hai-cot.csv"
    f.write_text("Họ và tên,Nội dung,Địa chỉ,Nội dung\nLò Văn A,Đường vào bản,Bản Mường,bị sạt lở từ tháng 7\n",
                 encoding="utf-8")
    out = import_files(case_db, f)
    assert out.total("new") == 1 and "các cột B ('Nội dung') và D ('Nội dung') đều là nội dung" in out.files[0].notes[0]
    [row] = rows(case_db)
    assert row["content"] == "Đường vào bản bị sạt lở từ tháng 7"
    g = isolated / "hai-ten.csv"
    g.write_text("Họ và tên,Nội dung,Họ tên\nLò Văn A,Đường,Lò Văn B\n", encoding="utf-8")
    err = import_refused(case_db, "cùng là", g)
    assert f"{g}:1: các cột A ('Họ và tên') và C ('Họ tên') cùng là 'Họ và tên'" in err.message


def test_more_cells_than_the_header_and_a_late_header_are_refused(case_db, isolated):
    f = isolated / "lech-cot.csv"
    f.write_text("Họ và tên,Nội dung\nLò Văn A,Đường vào bản, bị sạt lở\n", encoding="utf-8")
    err = import_refused(case_db, "ngoài các cột", f)
    assert f"{f}:2:C: dòng có ô 'bị sạt lở' ngoài các cột của dòng tiêu đề" in err.message
    g = isolated / "tieu-de-muon.csv"
    g.write_text("".join(f"Ghi chú {i}\n" for i in range(35)) + "Họ và tên,Nội dung\nLò Văn A,Đường\n", encoding="utf-8")
    err = import_refused(case_db, "dòng tiêu đề", g)
    assert f"{g}:36: dòng tiêu đề cột nằm ở dòng 36, dưới 30 dòng đầu" in err.message
    assert count(case_db) == 0


def test_section_rows_with_official_field_names(case_db, isolated):
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Địa chỉ", "Nội dung"])
    ws.append(["II.", "LĨNH VỰC THU HỒI ĐẤT, BỒI THƯỜNG, GIẢI PHÓNG MẶT BẰNG", None, None])
    ws.append([1, "Lò Văn A", "Bản Mường", "Chưa nhận tiền bồi thường"])
    ws.append(["III", "LĨNH VỰC CHÍNH SÁCH XÃ HỘI, LAO ĐỘNG VIỆC LÀM", None, None])
    ws.append([1, "Lò Văn B", "Bản Mường", "Xin trợ cấp"])
    path = isolated / "tong-hop-linh-vuc.xlsx"
    wb.save(path)
    import_files(case_db, path)
    assert {r["petitioner"]: r["field"] for r in rows(case_db)} == {
        "Lò Văn A": "Thu hồi đất, bồi thường, GPMB", "Lò Văn B": "Chính sách xã hội"}
    ws.append(["IV", "LĨNH VỰC THIÊN VĂN", None, None])
    ws.append([1, "Lò Văn C", "Bản Mường", "Một"])
    ws.append([2, "Lò Văn D", "Bản Mường", "Hai"])
    wb.save(path := isolated / "tong-hop-linh-vuc-2.xlsx")
    err = import_refused(case_db, "không có lĩnh vực", path)
    assert err.message.count("không có lĩnh vực 'LĨNH VỰC THIÊN VĂN'") == 1
    assert f"{path}:6: không có lĩnh vực" in err.message and "các dòng dưới đề mục này: 7, 8" in err.message


@pytest.mark.parametrize("written, code", [("TNMT", "TNMT"), ("tnmt", "TNMT"), ("TN&MT", "TNMT"), ("Phòng TN-MT", "TNMT"),
                                           ("LĐ-TB&XH", "LDTBXH"), ("LDTBXH", "LDTBXH"), ("UBND xã", "UBXA")])
def test_agency_spellings_resolve_as_a_clerk_reads_them(case_db, isolated, written, code):
    f = isolated / "co-quan.csv"
    f.write_text(f"Họ và tên,Nội dung,Cơ quan đề nghị trả lời\nLò Văn A,Đường vào bản,{written}\n", encoding="utf-8")
    import_files(case_db, f)
    assert rows(case_db)[0]["proposed_agency"] == code


def test_an_exact_code_wins_over_an_alias_and_ambiguity_is_refused(case_db, isolated):
    write(case_db, agencies.add, "TNMT2", "Phòng Tài nguyên khoáng sản", aliases="tnmt")
    f = isolated / "co-quan.csv"
    f.write_text("Họ và tên,Nội dung,Cơ quan đề nghị trả lời\nLò Văn A,Đường vào bản,tnmt\n", encoding="utf-8")
    import_files(case_db, f)
    assert rows(case_db)[0]["proposed_agency"] == "TNMT"
    write(case_db, agencies.add, "UBTT", "UBND xã Tà Mung")
    g = isolated / "mo-ho.csv"
    g.write_text("Họ và tên,Nội dung,Cơ quan đề nghị trả lời\nLò Văn B,Đường,UBND xã\n", encoding="utf-8")
    err = import_refused(case_db, "khớp với nhiều cơ quan", g)
    assert "'UBND xã' khớp với nhiều cơ quan (UBTT, UBXA)" in err.message or \
        "'UBND xã' khớp với nhiều cơ quan (UBXA, UBTT)" in err.message


def test_an_exact_code_still_wins_after_agency_preset(case_db, isolated):
    write(case_db, agencies.preset, "xa")  # KT has the alias "tnmt", VHXH "ldtbxh"; UBND is "Ủy ban nhân dân xã"
    f = isolated / "co-quan.csv"
    f.write_text("Họ và tên,Nội dung,Cơ quan đề nghị trả lời\nLò Văn A,Đường vào bản,TNMT\nLò Văn B,Đường,ldtbxh\n"
                 "Lò Văn C,Nước,UBND xã\n", encoding="utf-8")
    import_files(case_db, f)
    assert [r["proposed_agency"] for r in rows(case_db)] == ["TNMT", "LDTBXH", "UBND"]
    pid = rows(case_db)[0]["id"]
    write(case_db, actions.assign, HELD, pid, "tnmt")
    assert rows(case_db)[0]["lead_agency"] == "TNMT"


def test_prepared_rows_spill_to_disk_and_come_back_unchanged():
    import datetime as dt

    from doithoai.intake import Spool

    spool = Spool()
    spool.SIZE, spool.BUDGET = 2, 300  # the first packed chunk fits in memory, the next ones spill
    rows = [(f"k{i}", {"name": f"N{i}", "content": "C", "address": "", "form_no": "", "proposed_agency": "",
                       "field_id": None, "registered_on": dt.date(2023, 9, i + 1) if i % 2 else None, "speak": bool(i % 2),
                       "order": None, "organisation": False, "phone": "", "source": "mttq", "urgency": "khan"})
            for i in range(7)]
    for key, data in rows:
        spool.append(key, data)
    assert spool.chunks and spool.file is not None and len(spool) == 7
    assert list(spool) == rows


def test_the_status_model_is_one_consistent_table():
    import datetime as dt

    from doithoai import statuses
    from doithoai.workdays import WorkCalendar

    assert set(statuses.TRANSITIONS) == set(statuses.LABELS)
    assert all(t in statuses.LABELS for ts in statuses.TRANSITIONS.values() for t in ts)
    assert not set(statuses.OPEN) & set(statuses.SET_ASIDE) and set(statuses.COUNTED) | set(statuses.SET_ASIDE) == set(statuses.STATUSES)
    cal = WorkCalendar([], first_year=2023)
    assert statuses.is_overdue("assigned", "2023-10-05", dt.date(2023, 10, 6))
    assert not statuses.is_overdue("assigned", "2023-10-05", dt.date(2023, 10, 5))  # the due date itself
    assert not statuses.is_overdue("withdrawn", "2023-10-05", dt.date(2023, 12, 1))
    assert statuses.days_overdue(cal, "new", "2023-10-05", dt.date(2023, 10, 9)) == 2  # Fri 6 and Mon 9
    assert statuses.overdue_sql("q") == "q.status IN ('new','assigned') AND q.due_on < ?"


def test_m005_on_a_base_from_before_it(tmp_path):
    """A base whose import numbered three speakers 1 (the old bug): m005 renumbers them and the
    widened status list takes withdrawn petitions."""
    import sqlite_utils
    from sqlite_utils import Migrations

    from doithoai import migrations
    from doithoai.base import open_base

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    old = Migrations("doithoai")
    for fn in migrations.MIGRATIONS[:4]:
        old(name=fn.__name__)(fn)
    old.apply(sqlite_utils.Database(conn))
    conn.execute("INSERT INTO sessions (id, code, commune, date, created_at) VALUES (1, 'S', 'X', '2023-09-14', 'x')")
    conn.execute("INSERT INTO petitioners (id, name, name_fold) VALUES (1, 'A', 'a')")
    for i in (1, 2, 3):
        conn.execute("INSERT INTO petitions (id, session_id, petitioner_id, stable_key, content, content_fold, speak, "
                     "speak_order, created_at) VALUES (?, 1, 1, ?, 'c', 'c', 1, 1, 'x')", [i, f"k{i}"])
    conn.commit()
    conn.close()
    db = open_base(path)
    assert db.execute("SELECT id, speak_order FROM petitions ORDER BY id").fetchall() == [(1, 1), (2, 2), (3, 3)]
    db.execute("UPDATE petitions SET status = 'withdrawn' WHERE id = 3")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE petitions SET speak_order = 1 WHERE id = 2")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_file_families_join_versions_of_one_file_only():
    from doithoai.intake import family

    same = {family(n) for n in ("tong-hop.xlsx", "tong-hop (2).xlsx", "Tổng hợp v3.xlsx", "tong_hop - bản sửa.xlsx",
                                "TONG-HOP - Copy.xlsx")}
    assert same == {"tong-hop#"}
    assert family("xa-1.csv") != family("xa-2.csv")  # two communes, not two versions
    assert family("tong-hop.xlsx", "Xã A") != family("tong-hop.xlsx", "Xã B")


def test_many_possible_duplicates_are_named_ten_at_a_time(cli, session, isolated):
    """A cron import that flags hundreds of rows sends a readable mail: ten named, the rest counted."""
    first, second = isolated / "dot-1.csv", isolated / "dot-2.csv"
    rows = "".join(f"Lò Văn {i},09771234{i:02d},Đề nghị sửa đường vào bản số {i}\n" for i in range(25))
    first.write_text("Họ và tên,Điện thoại,Nội dung\n" + rows, encoding="utf-8")
    second.write_text("Họ và tên,Điện thoại,Nội dung\n" + rows.replace("sửa đường", "sửa lại đường"), encoding="utf-8")
    cli("petition", "import", first, "--session", session)
    err = cli("-q", "petition", "import", second, "--session", session).stderr
    assert err.count("có thể trùng kiến nghị số") == 10
    assert "… và 15 kiến nghị nghi trùng khác; xem đủ bằng `doithoai petition duplicates --session" in err
    assert len(cli.json("petition", "duplicates")) == 25
