"""Agencies and fields: add, list, edit, deactivate, import from CSV/XLSX, presets.

The rules on the services (`unit_db`, `case_db`); the CLI tests at the end keep the listing,
the messages and the refusals a clerk reads."""

from __future__ import annotations

from case import HELD, add, refused, row, write
from conftest import add_petition, dump
from openpyxl import Workbook

from doithoai import agencies, fields
from doithoai import petition_actions as actions
from doithoai.errors import NotFound


def codes(db, include_inactive=False):
    return [a["code"] for a in agencies.list_all(db, include_inactive=include_inactive)]


# -- rules, on the services ---------------------------------------------------------------

def test_add_edit_deactivate_activate(unit_db):
    db = unit_db
    assert codes(db) == ["LDTBXH", "TNMT", "UBXA"]
    write(db, agencies.edit, "tnmt", email="tnmt@thanuyen.gov.vn", head="Trưởng phòng Nguyễn Văn B")
    a = agencies.get(db, "TNMT")
    assert (a["email"], a["head"]) == ("tnmt@thanuyen.gov.vn", "Trưởng phòng Nguyễn Văn B")
    write(db, agencies.set_active, "UBXA", False, today=HELD)
    assert "UBXA" not in codes(db) and "UBXA" in codes(db, include_inactive=True)
    write(db, agencies.set_active, "UBXA", True, today=HELD)
    assert "UBXA" in codes(db)


def test_deactivated_agency_cannot_be_assigned(case_db):
    pid = add(case_db)
    write(case_db, agencies.set_active, "TNMT", False, today=HELD)
    refused(case_db, "Không có cơ quan 'TNMT' đang hoạt động", actions.assign, HELD, pid, "TNMT", error=NotFound)


def test_matching_by_abbreviation_prefix_and_diacritics(case_db):
    pid = add(case_db)
    assert agencies.resolve(case_db, "phong lao dong")["code"] == "LDTBXH"  # prefix, no diacritics
    assert agencies.resolve(case_db, "LĐ-TB&XH")["code"] == "LDTBXH"  # abbreviation
    assert agencies.resolve(case_db, "TN&MT")["code"] == "TNMT"
    write(case_db, actions.assign, HELD, pid, "phong lao dong")
    assert row(case_db, pid)["lead_agency"] == "LDTBXH"
    refused(case_db, "khớp với nhiều cơ quan", actions.assign, HELD, pid, "phong")


def test_bad_agency_input(unit_db):
    db = unit_db
    refused(db, "Mã cơ quan 'TNMT' đã có", agencies.add, "TNMT", "Trùng mã")
    refused(db, "không hợp lệ", agencies.add, "AB CD", "Có dấu cách")
    refused(db, "thư điện tử", agencies.add, "X1", "Tên", email="khong-phai-email")
    refused(db, "Không có cơ quan", agencies.edit, "KHONG", name="X", error=NotFound)
    refused(db, "Không có gì để sửa", agencies.edit, "TNMT")


def test_import_csv_semicolon_bom(unit_db, isolated):
    path = isolated / "coquan.csv"
    path.write_bytes("\ufeffMã;Tên cơ quan;Email\nYTE;Phòng Y tế;yte@x.vn\nTNMT;Phòng TN và MT (đổi tên);\n".encode("utf-8"))
    assert write(unit_db, agencies.import_file, path) == {"added": 1, "updated": 1, "unchanged": 0}
    assert agencies.get(unit_db, "YTE")["name"] == "Phòng Y tế"
    assert agencies.get(unit_db, "TNMT")["name"] == "Phòng TN và MT (đổi tên)"
    assert write(unit_db, agencies.import_file, path) == {"added": 0, "updated": 0, "unchanged": 2}  # idempotent


def test_import_xlsx_with_title_rows(unit_db, isolated):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CƠ QUAN, ĐƠN VỊ"])
    ws.append([])
    ws.append(["STT", "Mã cơ quan", "Tên cơ quan, đơn vị", "Loại"])
    ws.append([1, "GDDT", "Phòng Giáo dục và Đào tạo", "chuyên môn"])
    ws.append([2, "CAH", "Công an huyện", "lực lượng vũ trang"])
    path = isolated / "coquan.xlsx"
    wb.save(path)
    write(unit_db, agencies.import_file, path)
    assert {"GDDT", "CAH"} <= set(codes(unit_db))
    assert agencies.get(unit_db, "CAH")["kind"] == "lực lượng vũ trang"


def test_import_with_a_bad_row_writes_nothing(unit_db, isolated):
    path = isolated / "bad.csv"
    path.write_text("Mã,Tên cơ quan,Email\nOK1,Cơ quan một,\n,Thiếu mã,\nOK2,Cơ quan hai,sai-email\n", encoding="utf-8")
    err = refused(unit_db, "chưa ghi gì", agencies.import_file, path)
    assert f"{path}:3:1: thiếu mã cơ quan" in err.message
    assert f"{path}:4:" in err.message and "thư điện tử" in err.message


def test_import_without_required_columns(unit_db, isolated):
    path = isolated / "x.csv"
    path.write_text("Mã,Email\nA,a@b.vn\n", encoding="utf-8")
    refused(unit_db, "thiếu cột bắt buộc 'Tên cơ quan'", agencies.import_file, path)


def test_presets(unit_db):
    assert write(unit_db, agencies.preset, "tinh") == (14, 0)
    assert {"SNNMT", "SNV", "CAT"} <= set(codes(unit_db))
    assert write(unit_db, agencies.preset, "tinh") == (0, 14)
    refused(unit_db, "Không có bộ mẫu 'xyz'", agencies.preset, "xyz")


def test_fields_seeded_and_extendable(unit_db):
    names = [f["name"] for f in fields.list_all(unit_db)]
    assert names[:2] == ["Đất đai", "Thu hồi đất, bồi thường, GPMB"] and "Khác" in names
    write(unit_db, fields.add, "Môi trường", aliases="o nhiem")
    assert fields.resolve(unit_db, "o nhiem")["name"] == "Môi trường"
    refused(unit_db, "đã có", fields.add, "moi truong")


# -- what the clerk sees, through the CLI -------------------------------------------------

def test_list_edit_and_deactivate_through_the_cli(unit):
    assert [r["code"] for r in unit.json("agency", "list")] == ["LDTBXH", "TNMT", "UBXA"]
    unit("agency", "edit", "tnmt", "--email", "tnmt@thanuyen.gov.vn", "--head", "Trưởng phòng Nguyễn Văn B")
    row_ = next(r for r in unit.json("agency", "list") if r["code"] == "TNMT")
    assert (row_["email"], row_["head"]) == ("tnmt@thanuyen.gov.vn", "Trưởng phòng Nguyễn Văn B")
    unit("agency", "deactivate", "UBXA")
    assert "UBXA" not in [r["code"] for r in unit.json("agency", "list")]
    assert "UBXA" in [r["code"] for r in unit.json("agency", "list", "--all")]
    unit("agency", "activate", "UBXA")


def test_refusals_name_the_fix(cli, session, db_path):
    pid = add_petition(cli, session)
    before = dump(db_path)
    err = cli.fail("agency", "add", "TNMT", "Trùng mã").stderr
    assert "Mã cơ quan 'TNMT' đã có" in err and "agency edit TNMT" in err
    assert "Không có gì để sửa" in cli.fail("agency", "edit", "TNMT").stderr
    assert "khớp với nhiều cơ quan" in cli.fail("petition", "assign", pid, "phong").stderr
    assert dump(db_path) == before
    cli("agency", "deactivate", "TNMT")
    assert "đang hoạt động" in cli.fail("petition", "assign", pid, "TNMT").stderr


def test_import_and_preset_say_what_they_did(unit, isolated, db_path):
    path = isolated / "coquan.csv"
    path.write_bytes("\ufeffMã;Tên cơ quan;Email\nYTE;Phòng Y tế;yte@x.vn\nTNMT;Phòng TN và MT (đổi tên);\n".encode("utf-8"))
    assert "thêm 1, cập nhật 1, không đổi 0" in unit("agency", "import", path).stderr
    bad = isolated / "bad.csv"
    bad.write_text("Mã,Tên cơ quan,Email\nOK1,Cơ quan một,\n,Thiếu mã,\n", encoding="utf-8")
    before = dump(db_path)
    assert f"{bad}:3:1: thiếu mã cơ quan" in unit.fail("agency", "import", bad).stderr
    assert dump(db_path) == before
    assert "Đã thêm 14 cơ quan mẫu" in unit("agency", "preset", "tinh").stderr
    assert "Đã thêm 0 cơ quan mẫu" in unit("agency", "preset", "tinh").stderr


def test_fields_through_the_cli(unit):
    names = [r["name"] for r in unit.json("field", "list")]
    assert names[0] == "Đất đai" and "Khác" in names
    unit("field", "add", "Môi trường", "--aliases", "o nhiem")
    assert "Môi trường" in [r["name"] for r in unit.json("field", "list")]
    assert "đã có" in unit.fail("field", "add", "moi truong").stderr
