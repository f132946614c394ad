"""Agencies and fields: add, list, edit, deactivate, import from CSV/XLSX, presets."""

from __future__ import annotations

from conftest import add_petition, dump
from openpyxl import Workbook


def test_add_list_edit_deactivate(unit):
    codes = [r["code"] for r in unit.json("agency", "list")]
    assert codes == ["LDTBXH", "TNMT", "UBXA"]
    unit("agency", "edit", "tnmt", "--email", "tnmt@thanuyen.gov.vn", "--head", "Trưởng phòng Nguyễn Văn B")
    row = next(r for r in unit.json("agency", "list") if r["code"] == "TNMT")
    assert (row["email"], row["head"]) == ("tnmt@thanuyen.gov.vn", "Trưởng phòng Nguyễn Văn B")
    unit("agency", "deactivate", "UBXA")
    assert "UBXA" not in [r["code"] for r in unit.json("agency", "list")]
    assert "UBXA" in [r["code"] for r in unit.json("agency", "list", "--all")]
    unit("agency", "activate", "UBXA")
    assert "UBXA" in [r["code"] for r in unit.json("agency", "list")]


def test_deactivated_agency_cannot_be_assigned(cli, session):
    pid = add_petition(cli, session)
    cli("agency", "deactivate", "TNMT")
    assert "đang hoạt động" in cli.fail("petition", "assign", pid, "TNMT").stderr


def test_matching_by_abbreviation_prefix_and_diacritics(cli, session):
    pid = add_petition(cli, session)
    cli("petition", "assign", pid, "phong lao dong")  # prefix, no diacritics
    assert cli.json("petition", "list")[0]["lead_agency"] == "LDTBXH"
    cli("petition", "assign", pid, "LĐ-TB&XH")  # abbreviation
    assert cli.json("petition", "list")[0]["lead_agency"] == "LDTBXH"
    assert "khớp với nhiều cơ quan" in cli.fail("petition", "assign", pid, "phong").stderr


def test_bad_agency_input(unit, db_path):
    before = dump(db_path)
    assert "Mã cơ quan 'TNMT' đã có" in unit.fail("agency", "add", "TNMT", "Trùng mã").stderr
    assert "không hợp lệ" in unit.fail("agency", "add", "AB CD", "Có dấu cách").stderr
    assert "thư điện tử" in unit.fail("agency", "add", "X1", "Tên", "--email", "khong-phai-email").stderr
    assert "Không có cơ quan" in unit.fail("agency", "edit", "KHONG", "--name", "X").stderr
    assert "Không có gì để sửa" in unit.fail("agency", "edit", "TNMT").stderr
    assert dump(db_path) == before


def test_import_csv_semicolon_bom(unit, isolated):
    path = isolated / "coquan.csv"
    path.write_bytes("\ufeffMã;Tên cơ quan;Email\nYTE;Phòng Y tế;yte@x.vn\nTNMT;Phòng TN và MT (đổi tên);\n".encode("utf-8"))
    out = unit("agency", "import", path).stderr
    assert "thêm 1, cập nhật 1, không đổi 0" in out
    names = {r["code"]: r["name"] for r in unit.json("agency", "list")}
    assert names["YTE"] == "Phòng Y tế" and names["TNMT"] == "Phòng TN và MT (đổi tên)"
    assert "thêm 0, cập nhật 0, không đổi 2" in unit("agency", "import", path).stderr  # idempotent


def test_import_xlsx_with_title_rows(unit, isolated):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH CƠ QUAN, ĐƠN VỊ"])
    ws.append([])
    ws.append(["STT", "Mã cơ quan", "Tên cơ quan, đơn vị", "Loại"])
    ws.append([1, "GDDT", "Phòng Giáo dục và Đào tạo", "chuyên môn"])
    ws.append([2, "CAH", "Công an huyện", "lực lượng vũ trang"])
    path = isolated / "coquan.xlsx"
    wb.save(path)
    unit("agency", "import", path)
    codes = {r["code"] for r in unit.json("agency", "list")}
    assert {"GDDT", "CAH"} <= codes


def test_import_with_a_bad_row_writes_nothing(unit, isolated, db_path):
    path = isolated / "bad.csv"
    path.write_text("Mã,Tên cơ quan,Email\nOK1,Cơ quan một,\n,Thiếu mã,\nOK2,Cơ quan hai,sai-email\n", encoding="utf-8")
    before = dump(db_path)
    err = unit.fail("agency", "import", path).stderr
    assert f"{path}:3:1: thiếu mã cơ quan" in err
    assert f"{path}:4:" in err and "thư điện tử" in err
    assert dump(db_path) == before


def test_import_without_required_columns(unit, isolated):
    path = isolated / "x.csv"
    path.write_text("Mã,Email\nA,a@b.vn\n", encoding="utf-8")
    assert "thiếu cột bắt buộc 'Tên cơ quan'" in unit.fail("agency", "import", path).stderr


def test_presets(unit):
    out = unit("agency", "preset", "tinh").stderr
    assert "Đã thêm 14 cơ quan mẫu" in out
    codes = {r["code"] for r in unit.json("agency", "list")}
    assert {"SNNMT", "SNV", "CAT"} <= codes
    assert "Đã thêm 0 cơ quan mẫu" in unit("agency", "preset", "tinh").stderr


def test_fields_seeded_and_extendable(unit):
    names = [r["name"] for r in unit.json("field", "list")]
    assert names[:2] == ["Đất đai", "Thu hồi đất, bồi thường, GPMB"] and "Khác" in names
    unit("field", "add", "Môi trường", "--aliases", "o nhiem")
    assert "Môi trường" in [r["name"] for r in unit.json("field", "list")]
    assert "đã có" in unit.fail("field", "add", "moi truong").stderr
