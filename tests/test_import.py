"""`petition import` on files that look like what reaches an office.

What an import reads and stores (identity, duplicates, fields, speakers) is checked on the
services (`import_files` on a copied base); the CLI tests at the end keep the command's JSON
and table, the listing of every problem, the rejects file and the option checks.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from case import fetch, import_files, import_refused, rows, session_on, write
from conftest import dump
from openpyxl import Workbook

from doithoai import agencies, petitions
from doithoai.importing.headers import header_key

FIX = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def db(case_db):
    write(case_db, agencies.add, "CAH", "Công an huyện")
    return case_db


@pytest.fixture
def base(cli, session, db):
    return session


def by_name(db, name):
    return [r for r in rows(db) if r["petitioner"] == name]


# -- what an import reads and stores, on the services --------------------------------------

def test_mttq_summary_workbook(db):
    out = import_files(db, FIX / "mttq-tong-hop.xlsx", source="mttq")
    assert (out.total("read"), out.total("new"), out.total("rejected")) == (5, 5, 0)  # title, numbers, section and footer rows skipped
    assert out.unmatched_agencies == {"Phòng Lao động TBXH huyện": 1}
    [thang] = by_name(db, "Lò Văn Thắng")
    assert (thang["field"], thang["source"], thang["address"], thang["proposed_agency"]) == ("Đất đai", "mttq", "Bản Nà Khương", "TNMT")
    tam = by_name(db, "Điêu Chính Tâm")  # name merged over two rows: both rows carry it
    assert len(tam) == 2 and {r["address"] for r in tam} == {"Bản Khoen"}
    [xuan] = by_name(db, "Tòng Thị Xuân")
    assert (xuan["field"], xuan["proposed_agency"]) == ("Chính sách xã hội", "LDTBXH")  # section "II | LĨNH VỰC …"
    assert not by_name(db, "Lò Thị Lan")  # the footer's signer is not a petitioner


def test_excel_vn_csv_semicolons_bom_nfd_and_lost_zeros(db):
    import_files(db, FIX / "phieu-excel-vn.csv")
    [bien] = by_name(db, "Lò Văn Biên")  # stored NFC although the file is NFD
    assert bien["phone"] == "0911222333"
    assert bien["registered_on"] == "2023-09-05" and bien["form_no"] == "PDK-001"
    assert bien["field"] == "Cải cách hành chính"  # from the abbreviation CCHC
    assert bien["content"] == "Thủ tục đăng ký biến động đất đai kéo dài; đề nghị rút ngắn"
    assert bien["speak_order"] == 1
    [thoa] = by_name(db, "Vì Thị Thoa")
    assert thoa["registered_on"] == "2023-09-06"  # 6/9/2023
    assert by_name(db, "Hà Thị Nhung")[0]["phone"] == "0966333444"  # +84 966 333 444
    assert rows(db, search="thu tuc dat dai")[0]["petitioner"] == "Lò Văn Biên"


def test_utf16_and_windows_1258(db):
    import_files(db, FIX / "unicode-text-utf16.csv", FIX / "windows-1258.csv")
    assert by_name(db, "Quàng Văn Ươn")[0]["source"] == "doan-the"
    assert by_name(db, "Lò Văn Pánh")[0]["source"] == "mttq"
    [khiem] = by_name(db, "Tòng Văn Khiêm")
    assert khiem["content"] == "Thanh thiếu niên phóng nhanh vượt ẩu trên quốc lộ 32"
    assert khiem["address"] == "Bản Phiêng Lúc"


def test_word_forms_in_both_layouts(db):
    assert import_files(db, FIX / "phieu-bang.docx", FIX / "phieu-doan-van.docx").total("new") == 2
    [pom] = by_name(db, "Lường Văn Pọm")
    assert pom["content"] == "Đường vào bản Khoen bị sạt lở sau mưa lũ, đề nghị sớm khắc phục."
    assert (pom["phone"], pom["field"], pom["form_no"], pom["registered_on"], pom["speak_order"]) == (
        "0388123456", "Giao thông, hạ tầng", "PDK-101", "2023-09-06", 1)
    [hac] = by_name(db, "Vì Văn Hặc")
    assert hac["content"] == ("Nước sinh hoạt tập trung của bản Mì thường xuyên bị mất vào mùa khô. "
                              "Đề nghị huyện đầu tư nâng cấp đường ống dẫn nước.")
    assert (hac["address"], hac["phone"], hac["registered_on"]) == ("Bản Mì", "0355666777", "2023-09-07")


def test_json_lines_with_list_keys(db):
    import_files(db, FIX / "script.jsonl")
    [dung] = by_name(db, "Hoàng Văn Dũng")
    assert (dung["proposed_agency"], dung["urgency"]) == ("CAH", "cap-thiet")
    assert by_name(db, "Lò Thị Hương")[0]["source"] == "dai-bieu"


def test_reimport_of_every_fixture_changes_nothing(db):
    from case import dump as dump_db

    files = sorted(FIX.iterdir())
    assert import_files(db, *files).total("new") == 16  # 5 + 1 + 1 + 3 + 2 + 2 + 2
    before = dump_db(db)
    again = import_files(db, *files)
    assert again.total("new") == 0 and all(f.skipped_batch for f in again.files)
    assert dump_db(db) == before


def test_overlapping_batch_never_duplicates(db, isolated):
    # A new export of the same file (same family: "phieu-excel-vn (2).csv") repeats form numbers:
    # those rows are present. A different file's form numbers are not an identity: new rows.
    import_files(db, FIX / "phieu-excel-vn.csv")
    lines = "Số phiếu,Họ và tên,Nội dung\nPDK-001,Lò Văn Biên,Nội dung khác nhưng cùng số phiếu\nPDK-009,Người Mới,Nội dung mới\n"
    overlap = isolated / "phieu-excel-vn (2).csv"
    overlap.write_text(lines, encoding="utf-8")
    out = import_files(db, overlap)
    assert (out.total("new"), out.total("present")) == (1, 1)
    other = isolated / "tong-hop-mttq.csv"
    other.write_text(lines.replace("Nội dung mới", "Nội dung mới (bản MTTQ)"), encoding="utf-8")
    out = import_files(db, other)
    assert (out.total("new"), out.total("present")) == (2, 0)


def test_one_bad_row_writes_nothing_and_lists_every_problem(db, isolated):
    bad = isolated / "mot-dong-loi.csv"
    bad.write_text("Họ và tên,Số điện thoại,Nội dung,Ngày đăng ký\nA,0977123456,Nội dung A,05/09/2023\n"
                   "B,12345,Nội dung B,31/02/2023\n,0977123457,Nội dung C,05/09/2023\n", encoding="utf-8")
    err = import_refused(db, "Dữ liệu có 3 lỗi ở 2 dòng; chưa ghi gì", bad)
    assert f"{bad}:3:B (Số điện thoại): số điện thoại không hợp lệ: '12345'" in err.message
    assert f"{bad}:3:D (Ngày đăng ký): ngày không tồn tại: '31/02/2023'" in err.message
    assert f"{bad}:4:A (Họ và tên): thiếu họ và tên" in err.message


def test_skip_invalid_writes_the_rest_and_keeps_the_rejected_rows(db, isolated):
    bad = isolated / "co-loi.csv"
    bad.write_text("Họ và tên,Nội dung,Lĩnh vực\nA,Nội dung A,đất đai\nB,Nội dung B,thiên văn\n", encoding="utf-8")
    out = import_files(db, bad, skip_invalid=True)
    assert (out.total("new"), out.total("rejected")) == (1, 1)
    [rejected] = out.rejected
    assert rejected.record.row == 3 and rejected.record.values["name"] == "B"
    assert "không có lĩnh vực 'thiên văn'" in rejected.reasons[0] and "Đất đai" in rejected.reasons[0]
    assert [r["petitioner"] for r in rows(db)] == ["A"]


def test_dry_run_reports_and_writes_nothing(db):
    from case import dump as dump_db

    before = dump_db(db)
    assert import_files(db, FIX / "mttq-tong-hop.xlsx", dry_run=True).total("new") == 5
    assert dump_db(db) == before


def test_map_overrides_headers(db, isolated):
    odd = isolated / "la.csv"
    odd.write_text("Công dân,Ý kiến phản ánh,Thôn\nLò Văn C,Đường hỏng,Bản Mì\n", encoding="utf-8")
    import_refused(db, "thiếu cột bắt buộc 'Nội dung'", odd)
    import_files(db, odd, columns={header_key("Ý kiến phản ánh"): "content"})  # what --map names
    assert by_name(db, "Lò Văn C")[0]["content"] == "Đường hỏng"


def test_globs_are_expanded(db):
    assert import_files(db, str(FIX / "phieu-*.docx")).total("new") == 2


def test_list_json_round_trips_through_import(db, isolated):
    import_files(db, FIX / "phieu-excel-vn.csv")
    other = session_on(db, "Ta Gia", __import__("datetime").date(2023, 10, 20))
    exported = isolated / "export.jsonl"
    exported.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows(db)), encoding="utf-8")
    out = import_files(db, exported, session=other)
    assert out.total("new") == 3
    assert len(out.duplicates) == 3  # same petitioners, same content, another session: reported, not merged
    assert {r["phone"] for r in rows(db, session=other)} == {"0911222333", "0916777888", "0966333444"}


def bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    files = {}
    (tmp / "rong.csv").write_bytes(b"")
    files["empty"] = (tmp / "rong.csv", "tệp rỗng")
    (tmp / "chi-tieu-de.csv").write_text("Họ và tên,Nội dung\n", encoding="utf-8")
    files["only header"] = (tmp / "chi-tieu-de.csv", "không có dòng dữ liệu")
    (tmp / "thieu-cot.csv").write_text("Họ và tên,Địa chỉ\nA,Bản Mì\n", encoding="utf-8")
    files["no content column"] = (tmp / "thieu-cot.csv", "thiếu cột bắt buộc 'Nội dung'")
    (tmp / "ngay-sai.csv").write_text("Họ và tên,Nội dung,Ngày đăng ký\nA,B,30/02/2024\n", encoding="utf-8")
    files["impossible date"] = (tmp / "ngay-sai.csv", ":2:C (Ngày đăng ký): ngày không tồn tại")
    full = tmp / "full.xlsx"
    wb = Workbook()
    wb.active.append(["Họ và tên", "Nội dung"])
    wb.active.append(["A", "B"])
    wb.save(full)
    (tmp / "cut.xlsx").write_bytes(full.read_bytes()[:900])
    files["truncated xlsx"] = (tmp / "cut.xlsx", "không đọc được tệp Excel")
    (tmp / "that-ra-la-pdf.docx").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    files["pdf renamed docx"] = (tmp / "that-ra-la-pdf.docx", "không phải tệp Word .docx hợp lệ")
    (tmp / "ky-tu-la.csv").write_text("Họ và tên,Nội dung\nA,Nội\x07dung\n", encoding="utf-8")
    files["control characters"] = (tmp / "ky-tu-la.csv", ":2:B (Nội dung): có ký tự điều khiển")
    with open(tmp / "o-50mb.csv", "w", encoding="utf-8") as f:
        f.write("Họ và tên,Nội dung\nA,")
        f.write("x" * (50 * 1024 * 1024))
        f.write("\n")
    files["50 MB cell"] = (tmp / "o-50mb.csv", "ô quá lớn")
    (tmp / "ghi-chu.pdf").write_bytes(b"%PDF-1.4")
    files["unsupported format"] = (tmp / "ghi-chu.pdf", "không hỗ trợ định dạng '.pdf'")
    return files


def test_bad_files_are_refused_cleanly(db, isolated):
    for what, (path, message) in bad_files(isolated).items():
        err = import_refused(db, ".", path)
        assert str(path) in err.message, what
        assert message in err.message, (what, err.message)


def test_signature_block_without_a_date_line_is_not_data(db, isolated):
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Nội dung"])
    ws.append([1, "Lò Văn A", "Đường hỏng"])
    ws.append(["", "NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG TRỰC"])
    ws.append(["", "Lò Thị Lan", "Hoàng Văn Pọm"])
    ws.append([2, "HỢP TÁC XÃ CHÈ KHOEN ON", "Đề nghị hỗ trợ vốn"])  # below a signature: ignored
    wb.save(isolated / "ky.xlsx")
    assert import_files(db, isolated / "ky.xlsx").total("new") == 1 and by_name(db, "Lò Văn A")


def test_an_organisation_written_in_capitals_is_data(db, isolated):
    (isolated / "hoa.csv").write_text("Họ và tên,Nội dung\nHỢP TÁC XÃ CHÈ KHOEN ON,ĐỀ NGHỊ HỖ TRỢ VỐN\n", encoding="utf-8")
    assert import_files(db, isolated / "hoa.csv").total("new") == 1


def test_repeats_leave_no_stray_petitioner_and_speakers_are_numbered_in_file_order(db, isolated):
    import datetime as dt

    write(db, petitions.add, dt.date(2023, 9, 5), session="2023-khoen-on", name="Người Đầu", content="Đã đăng ký trước",
          speak=True)
    first = isolated / "a.csv"
    first.write_text("Số phiếu,Họ và tên,Nội dung,Đăng ký phát biểu\nP1,Lò Văn A,Nội dung một,x\n"
                     "P2,Lò Văn B,Nội dung hai,\nP3,Lò Văn C,Nội dung ba,x\nP3,Lò Văn C,Nội dung ba,x\n", encoding="utf-8")
    out = import_files(db, first)
    assert (out.total("new"), out.total("present")) == (3, 1)  # the repeated P3 inside the file
    second = isolated / "a (2).csv"  # a later export of the same file: its form numbers are known
    second.write_text("Số phiếu,Họ và tên,Nội dung\nP1,Người Gõ Nhầm,Nội dung khác\n", encoding="utf-8")
    out = import_files(db, second)
    assert (out.total("new"), out.total("present")) == (0, 1)
    assert "Người Gõ Nhầm" not in {r[0] for r in fetch(db, "SELECT name FROM petitioners")}  # made for a repeat, removed
    speakers = [(r["speak_order"], r["petitioner"]) for r in rows(db) if r["speak"]]
    assert speakers == [(1, "Người Đầu"), (2, "Lò Văn A"), (3, "Lò Văn C")]


def test_same_person_raising_the_same_matter_twice_is_reported(db, isolated):
    f = isolated / "lap.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn A,0977123456,Đường vào bản Mì bị sạt lở nặng\n"
                 "Lò Văn A,0977123456,Đường vào bản Mì bị sạt lở nặng sau mưa\n", encoding="utf-8")
    out = import_files(db, f)
    assert out.total("new") == 2 and len(out.duplicates) == 1
    assert import_files(db, f).files[0].skipped_batch == 1


# -- what the clerk sees, through the CLI -------------------------------------------------

def test_import_json_names_what_happened(cli, base):
    out = cli.json("petition", "import", FIX / "mttq-tong-hop.xlsx", "--session", base, "--source", "mttq")
    assert set(out) >= {"session", "dry_run", "files", "read", "new", "present", "duplicates", "rejected",
                        "rejects_file", "unmatched_agencies"}
    assert (out["read"], out["new"], out["rejected"], out["dry_run"]) == (5, 5, 0, False)
    assert out["unmatched_agencies"] == {"Phòng Lao động TBXH huyện": 1}
    [f] = out["files"]
    assert (f["format"], f["batch"], f["new"], f["already_imported_batch"]) == ("xlsx", 1, 5, None)
    again = cli.json("petition", "import", FIX / "mttq-tong-hop.xlsx", "--session", base)
    assert again["new"] == 0 and again["files"][0]["already_imported_batch"] == 1
    dry = cli.json("petition", "import", FIX / "phieu-excel-vn.csv", "--session", base, "--dry-run")
    assert dry["dry_run"] and dry["new"] == 3 and len(cli.json("petition", "list")) == 5


def test_an_import_leaves_the_search_index_up_to_date(cli, base, db_path):
    """A cron import folds its petitions into the index; a dry run queues nothing."""
    import sqlite3

    def queued() -> int:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("SELECT COUNT(*) FROM search_stale").fetchone()[0]

    cli.json("petition", "import", FIX / "phieu-excel-vn.csv", "--session", base, "--dry-run")
    assert queued() == 0
    out = cli.json("petition", "import", FIX / "mttq-tong-hop.xlsx", "--session", base)
    assert out["new"] == 5 and queued() == 0


def test_one_bad_row_lists_every_problem_with_its_cell(cli, base, isolated, db_path):
    bad = isolated / "mot-dong-loi.csv"
    bad.write_text("Họ và tên,Số điện thoại,Nội dung,Ngày đăng ký\nA,0977123456,Nội dung A,05/09/2023\n"
                   "B,12345,Nội dung B,31/02/2023\n,0977123457,Nội dung C,05/09/2023\n", encoding="utf-8")
    before = dump(db_path)
    err = cli.fail("petition", "import", bad, "--session", base).stderr
    assert "Dữ liệu có 3 lỗi ở 2 dòng; chưa ghi gì" in err
    assert f"{bad}:3:B (Số điện thoại): số điện thoại không hợp lệ: '12345'" in err
    assert f"{bad}:4:A (Họ và tên): thiếu họ và tên" in err
    assert "--skip-invalid" in err
    assert dump(db_path) == before


def test_skip_invalid_writes_a_rejects_file(cli, base, isolated):
    bad = isolated / "co-loi.csv"
    bad.write_text("Họ và tên,Nội dung,Lĩnh vực\nA,Nội dung A,đất đai\nB,Nội dung B,thiên văn\n", encoding="utf-8")
    assert "--rejects chỉ dùng cùng --skip-invalid" in cli.fail(
        "petition", "import", bad, "--session", base, "--rejects", isolated / "loi.csv").stderr
    out = cli.json("petition", "import", bad, "--session", base, "--skip-invalid", "--rejects", isolated / "loi.csv")
    assert (out["new"], out["rejected"], out["rejects_file"]) == (1, 1, str(isolated / "loi.csv"))
    with open(isolated / "loi.csv", encoding="utf-8-sig", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert len(rejected) == 1 and rejected[0]["Họ và tên"] == "B" and rejected[0]["Dòng"] == "3"
    assert "không có lĩnh vực 'thiên văn'" in rejected[0]["Lý do"] and "Đất đai" in rejected[0]["Lý do"]


def test_map_option_and_a_refused_file(cli, base, isolated, db_path):
    odd = isolated / "la.csv"
    odd.write_text("Công dân,Ý kiến phản ánh,Thôn\nLò Văn C,Đường hỏng,Bản Mì\n", encoding="utf-8")
    before = dump(db_path)
    assert "thiếu cột bắt buộc 'Nội dung'" in cli.fail("petition", "import", odd, "--session", base).stderr
    assert "--map 'x' không hợp lệ" in cli.fail("petition", "import", odd, "--session", base, "--map", "x").stderr
    (isolated / "rong.csv").write_bytes(b"")
    err = cli.fail("petition", "import", isolated / "rong.csv", "--session", base).stderr
    assert str(isolated / "rong.csv") in err and "tệp rỗng" in err
    assert dump(db_path) == before
    cli("petition", "import", odd, "--session", base, "--map", "Ý kiến phản ánh=content")
    assert cli.json("petition", "list")[0]["content"] == "Đường hỏng"


def test_a_table_says_a_file_was_imported_before(cli, base, isolated):
    f = isolated / "lap.csv"
    f.write_text("Họ và tên,Số điện thoại,Nội dung\nLò Văn A,0977123456,Đường vào bản Mì bị sạt lở nặng\n", encoding="utf-8")
    first = cli("petition", "import", f, "--session", base)
    assert "đọc 1, mới 1, đã có 0, nghi trùng 0, lỗi 0." in first.stderr
    assert "đã nhập trước đó" in cli("petition", "import", f, "--session", base).stdout
