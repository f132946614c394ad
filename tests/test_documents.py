"""Documents: every kind generated for a realistic session, opened again with python-docx."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import add_petition, dump
from docx import Document
from docx.shared import Mm

KINDS = ["plan", "invitation", "form", "minutes", "conclusions", "report"]


@pytest.fixture
def demo(demo_db):
    return demo_db


def text_of(path: Path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def generate_all(cli, out: Path) -> dict[str, Path]:
    files = {}
    for kind in KINDS:
        files[kind] = out / f"{kind}.docx"
        cli("doc", kind, "2023-KHOENON", "-o", files[kind], "--date", "2023-09-05")
    files["reminder"] = out / "reminder.docx"
    cli("doc", "reminder", "TNMT", "-o", files["reminder"], "--as-of", "2023-10-20")
    files["transfer"] = out / "transfer.docx"
    cli("doc", "transfer", 20, "-o", files["transfer"], "--date", "2023-09-22")
    files["transfer_notice"] = out / "transfer-thong-bao.docx"
    return files


def test_every_kind_is_an_official_looking_document(cli, demo, isolated):
    files = generate_all(cli, isolated)
    for kind, path in files.items():
        doc = Document(path)
        section = doc.sections[0]
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1), kind
        assert abs(section.top_margin - Mm(20)) < Mm(1) and abs(section.bottom_margin - Mm(20)) < Mm(1), kind
        assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.right_margin - Mm(15)) < Mm(1), kind
        assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 14, kind
        text = text_of(path)
        assert "{{" not in text and "{%" not in text and "}}" not in text, kind
    texts = {k: text_of(p) for k, p in files.items()}
    for kind in ("plan", "invitation", "minutes", "conclusions", "report"):
        assert "Than Uyên, ngày 05 tháng 9 năm 2023" in texts[kind], kind
        assert "HUYỆN ỦY THAN UYÊN" in texts[kind] and "ĐẢNG BỘ TỈNH LAI CHÂU" in texts[kind] and "ĐẢNG CỘNG SẢN VIỆT NAM" in texts[kind]
    assert "Số 01-KH/HU" in texts["plan"] and "Số 01-GM/HU" in texts["invitation"] and "Số 01-BB/HU" in texts["minutes"]
    assert "Số 01-TB/HU" in texts["conclusions"] and "Số 01-BC/HU" in texts["report"]
    assert "Số 01-CV/HU" in texts["reminder"]
    # the transfer letter prints the number recorded with the transfer; its notice has its own TB number
    assert "Số 215-CV/HU" in texts["transfer"] and "Số 02-TB/HU" in texts["transfer_notice"]
    assert "Công văn số 215-CV/HU" in texts["transfer_notice"]
    assert "T/M BAN THƯỜNG VỤ" in texts["plan"] and "Lê Thị Kim Ngân" in texts["plan"]
    assert "chậm nhất ngày 05/09/2023" in texts["plan"] and "chậm nhất ngày 05/10/2023" in texts["plan"]
    assert "ngày 26/10/2023" in texts["plan"]  # complex answers
    assert "PHIẾU ĐĂNG KÝ NỘI DUNG PHÁT BIỂU" in texts["form"] and "Họ và tên:" in texts["form"]
    minutes = texts["minutes"]
    assert minutes.index("1. ông Lò Văn Thắng (Bản Nà Khương") < minutes.index("2. bà Hoàng Thị Mai") < minutes.index("3. ông Lường Văn Pọm")
    assert "Bí thư Huyện ủy, Chủ tịch UBND huyện" in minutes and "THƯ KÝ" in minutes and "CHỦ TRÌ HỘI NGHỊ" in minutes
    assert "Lò Văn Cường" in minutes and "Hoàng Thị Hạnh" in minutes and "112 người" in minutes
    assert "Ghi nhận các ý kiến" in minutes  # the chair's conclusion
    assert "Giao Ban Quản lý dự án đầu tư xây dựng huyện chủ trì xem xét" in texts["conclusions"]
    assert "26/10/2023" in texts["conclusions"] and "BQLDA" not in texts["conclusions"]
    assert "Tổng số ý kiến, kiến nghị: 30" in texts["report"] and "chuyển cơ quan có thẩm quyền 1" in texts["report"]
    assert "Kính gửi: Phòng Tài nguyên và Môi trường" in texts["reminder"] and "05/10/2023" in texts["reminder"]
    assert "Công ty Thủy điện Huội Quảng - Bản Chát" in texts["transfer"] and "Lò Văn Pánh" in texts["transfer"]


def test_invitations_one_page_each_with_the_form_beside(cli, demo, isolated):
    (isolated / "moi.txt").write_text("Ông Lò Văn Thắng, bản Nà Khương\nBà Hoàng Thị Mai, bản Phiêng Lúc\n", encoding="utf-8")
    cli("doc", "invitation", "2023-KHOENON", "-o", isolated / "giay-moi.docx", "--invitees", isolated / "moi.txt")
    text = text_of(isolated / "giay-moi.docx")
    assert "trân trọng kính mời: Ông Lò Văn Thắng" in text and "trân trọng kính mời: Bà Hoàng Thị Mai" in text
    assert text.count("GIẤY MỜI") == 2
    assert "PHIẾU ĐĂNG KÝ NỘI DUNG PHÁT BIỂU" in text_of(isolated / "giay-moi-phieu-dang-ky.docx")


def test_state_style_layout(cli, isolated):
    cli("init", "--unit", "Ủy ban nhân dân xã Khoen On", "--level", "xa", "--parent", "UBND tỉnh Lai Châu",
        "--signer-title", "CHỦ TỊCH", "--signer-name", "Hoàng Văn Pọm")
    cli("session", "create", "--commune", "xã Khoen On", "--date", "2026-02-05")
    cli("doc", "plan", "2026-xa-khoen-on", "-o", isolated / "kh.docx", "--date", "2026-02-05")
    text = text_of(isolated / "kh.docx")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: 01/KH-UBND" in text and "Khoen On, ngày 05 tháng 02 năm 2026" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text
    assert "ỦY BAN NHÂN DÂN\nXÃ KHOEN ON" in text


def test_an_issued_document_is_reproduced_or_reissued_never_repointed(cli, demo, isolated):
    cli("doc", "plan", "2023-KHOENON", "-o", isolated / "a.docx", "--date", "2023-09-05")
    out = cli("doc", "plan", "2023-KHOENON", "-o", isolated / "b.docx", "--date", "2023-09-07").stderr
    assert "ghi lại đúng như khi ban hành" in out and "--reissue" in out
    assert (isolated / "b.docx").read_bytes() == (isolated / "a.docx").read_bytes()  # same date, same content
    cli("doc", "minutes", "2023-KHOENON", "-o", isolated / "m.docx")
    assert "Than Uyên, ngày 14 tháng 9 năm 2023" in text_of(isolated / "m.docx")  # minutes: the meeting day
    register = cli.json("doc", "register")
    assert [(r["number_text"], r["kind"]) for r in register] == [("01-BB/HU", "minutes"), ("01-KH/HU", "plan")]
    assert register[1]["path"].endswith("a.docx") and len(register[1]["sha256"]) == 64
    # a trial render with another template is a draft: no number, nothing registered
    from doithoai.documents.engine import builtin_dir

    shutil.copy(builtin_dir() / "plan.docx", isolated / "mau-thu.docx")
    assert "bản nháp" in cli("doc", "plan", "2023-KHOENON", "-o", isolated / "thu.docx", "--template",
                             isolated / "mau-thu.docx").stderr
    assert "01-KH/HU" not in text_of(isolated / "thu.docx") and "DỰ THẢO" in text_of(isolated / "thu.docx")
    assert len(cli.json("doc", "register")) == 2
    # reissue: a new entry with a new number, the old one kept and marked
    out = cli("doc", "plan", "2023-KHOENON", "-o", isolated / "c.docx", "--date", "2023-09-08", "--reissue").stderr
    assert "02-KH/HU" in out and "thay văn bản số 01-KH/HU" in out
    rows = {r["number_text"]: r for r in cli.json("doc", "register", "--kind", "plan")}
    assert rows["01-KH/HU"]["status"] == "replaced" and rows["01-KH/HU"]["replaced_by"] == "02-KH/HU"
    assert rows["02-KH/HU"]["status"] == "issued"
    cli("config", "set", "doc.numbering", "shared")
    cli("doc", "conclusions", "2023-KHOENON", "-o", isolated / "tb.docx", "--date", "2023-09-20")
    assert "Số 03-TB/HU" in text_of(isolated / "tb.docx")  # one series for every kind


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_issued_content_is_the_issued_bytes(cli, demo, isolated):
    import sqlite3

    from doithoai.base import open_base
    from doithoai.documents.engine import issued_content

    cli("doc", "report", "2023-KHOENON", "-o", isolated / "bc.docx", "--date", "2023-10-20")
    conn = sqlite3.connect(demo)
    doc_id = conn.execute("SELECT id FROM documents WHERE kind = 'report'").fetchone()[0]
    conn.close()
    (isolated / "bc.docx").write_bytes(b"edited by hand")
    db = open_base(demo)
    data = issued_content(db, doc_id)
    assert data is not None and data.startswith(b"PK") and issued_content(db, 999) is None
    (isolated / "copy.docx").write_bytes(data)
    assert "Số 01-BC/HU" in text_of(isolated / "copy.docx")


def test_values_are_text_never_template_code(cli, unit, session, isolated):
    pid = add_petition(cli, session, "Lò {{ issuer }} A", "Nội dung {% if true %}có{% endif %} & <b>x</b> \u00a0")
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("petition", "answer", pid, "--at-meeting", "--summary", "Trả lời {{ 7*7 }}")
    cli("petition", "assign", pid, "TNMT")
    cli("petition", "conclude", pid, "--text", "Kết luận")
    cli("doc", "conclusions", session, "-o", isolated / "tb.docx")
    text = text_of(isolated / "tb.docx")
    assert "Nội dung {% if true %}có{% endif %} & <b>x</b>" in text
    cli("doc", "minutes", session, "-o", isolated / "bb.docx")
    assert "Trả lời {{ 7*7 }}" in text_of(isolated / "bb.docx") and "49" not in text_of(isolated / "bb.docx")


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_control_characters_never_reach_the_document(cli, unit, session, isolated, db_path):
    import sqlite3

    pid = add_petition(cli, session, "Lò Văn A", "Nội dung sạch")
    conn = sqlite3.connect(db_path)  # as an old import might have left it
    conn.execute("UPDATE petitions SET content = 'Nội\x0bdung\x1f bẩn' WHERE id = ?", [pid])
    conn.commit()
    conn.close()
    cli("petition", "assign", pid, "TNMT")
    cli("doc", "conclusions", session, "-o", isolated / "tb.docx")
    assert "Nộidung bẩn" in text_of(isolated / "tb.docx")


def test_blank_form_round_trip(cli, unit, session, isolated):
    cli("doc", "form", session, "-o", isolated / "phieu.docx")
    doc = Document(isolated / "phieu.docx")
    values = {"Họ và tên:": "Lò Thị Hoa", "Địa chỉ (thôn, bản):": "Bản Mì", "Số điện thoại:": "0912 000 111",
              "Lĩnh vực:": "Y tế", "Nội dung đăng ký phát biểu:": "Đề nghị có bác sĩ trực tại trạm y tế bản Mì.",
              "Đăng ký phát biểu tại hội nghị:": "Có ☒     Không ☐", "Số phiếu:": "PDK-777"}
    for row in doc.tables[0].rows:
        label = row.cells[0].text.strip()
        if label in values:
            row.cells[1].text = values[label]
    doc.save(isolated / "phieu-da-dien.docx")
    out = cli.json("petition", "import", isolated / "phieu-da-dien.docx", "--session", session)
    assert out["new"] == 1
    [row] = cli.json("petition", "list")
    assert (row["petitioner"], row["address"], row["phone"], row["field"], row["form_no"], row["speak_order"]) == (
        "Lò Thị Hoa", "Bản Mì", "0912000111", "Y tế", "PDK-777", 1)
    assert row["content"] == "Đề nghị có bác sĩ trực tại trạm y tế bản Mì."
    # the blank form itself is refused: nobody filled it in
    err = cli.fail("petition", "import", isolated / "phieu.docx", "--session", session).stderr
    assert "thiếu họ và tên" in err and "thiếu nội dung" in err


def test_templates_list_own_folder_and_check(cli, unit, session, isolated):
    rows = {r["kind"]: r for r in cli.json("doc", "templates")}
    assert set(rows) == {"plan", "invitation", "form", "minutes", "conclusions", "report", "reminder", "transfer",
                         "escalation", "transfer_notice", "answer_notice"}
    assert all(r["origin"] == "có sẵn" for r in rows.values())
    own = isolated / "mau"
    own.mkdir()
    doc = Document(rows["plan"]["path"])
    doc.add_paragraph("Ghi chú riêng của đơn vị: {{ commune }}")
    doc.save(own / "plan.docx")
    cli("config", "set", "doc.template_dir", own)
    assert {r["kind"]: r for r in cli.json("doc", "templates")}["plan"]["origin"] == "đơn vị"
    cli("doc", "plan", session, "-o", isolated / "kh.docx")
    assert "Ghi chú riêng của đơn vị: Khoen On" in text_of(isolated / "kh.docx")
    assert "Mẫu hợp lệ" in cli("doc", "check", own / "plan.docx").stderr
    result = cli.json("doc", "check", rows["minutes"]["path"])
    assert result["unknown"] == [] and result["missing"] == []


def bad_template(path: Path, paragraph: str) -> Path:
    from doithoai.documents.engine import builtin_dir

    doc = Document(builtin_dir() / "plan.docx")
    doc.add_paragraph(paragraph)
    doc.save(path)
    return path


def test_bad_templates_and_outputs(cli, unit, session, isolated, db_path):
    before = dump(db_path)
    (isolated / "mau.docx").write_text("không phải docx")
    assert "không phải tệp Word .docx" in cli.fail("doc", "plan", session, "-o", isolated / "x.docx",
                                                   "--template", isolated / "mau.docx").stderr
    broken = bad_template(isolated / "cu-phap.docx", "{% if commune %} thiếu endif")
    err = cli.fail("doc", "plan", session, "-o", isolated / "x.docx", "--template", broken).stderr
    assert "có lỗi cú pháp (thiếu thẻ đóng {% endif %})" in err and str(broken) in err
    assert "lỗi cú pháp" in cli.fail("doc", "check", broken, "--kind", "plan").stderr
    unknown = bad_template(isolated / "plan.docx", "{{ ten_la }}")
    assert "trường không có: \u201cten_la\u201d, ở đoạn: \u201c{{ ten_la }}\u201d" in cli.fail("doc", "plan", session, "-o", isolated / "x.docx",
                                                                 "--template", unknown).stderr
    assert "trường không có: ten_la" in cli.fail("doc", "check", unknown).stderr
    assert "không tồn tại" in cli.fail("doc", "plan", session, "-o", isolated / "khong-co" / "x.docx").stderr
    assert "Không ghi được" in cli.fail("doc", "plan", session, "-o", "/proc/kh.docx").stderr
    assert "phải có đuôi .docx" in cli.fail("doc", "plan", session, "-o", isolated / "kh.pdf").stderr
    assert not (isolated / "x.docx").exists()
    assert dump(db_path) == before


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_public_dossier_has_no_personal_data(cli, demo, isolated):
    import sqlite3

    conn = sqlite3.connect(demo)
    people = conn.execute("SELECT name, phone, address FROM petitioners WHERE is_organisation = 0").fetchall()
    conn.close()
    cli("doc", "minutes", "2023-KHOENON", "-o", isolated / "bb.docx")  # issued: its bytes hold the names
    cli("dossier", "export", "2023-KHOENON", "-o", isolated / "cong-khai.zip", "--public", "--as-of", "2023-10-20")
    with zipfile.ZipFile(isolated / "cong-khai.zip") as z:
        names = z.namelist()
        assert {"manifest.json", "SHA256SUMS", "du-lieu/kien-nghi.xlsx", "du-lieu/kien-nghi.csv",
                "van-ban/04-bien-ban.docx"} <= set(names)
        assert "du-lieu/nhat-ky.csv" not in names  # the event log never goes public
        z.extractall(isolated / "cong-khai")
    blobs = []
    for p in (isolated / "cong-khai").rglob("*"):
        if p.suffix == ".docx":
            blobs.append(text_of(p))
        elif p.suffix == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(p)
            blobs.append("\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None))
        elif p.is_file():
            blobs.append(p.read_text(encoding="utf-8-sig"))
    everything = "\n".join(blobs)
    for name, phone, address in people:
        assert name not in everything, name
        assert address not in everything, address
        if phone:
            assert phone not in everything, phone
    assert "L. V. T." not in everything and "[đã ẩn]" in everything  # not even initials
    manifest = json.loads((isolated / "cong-khai" / "manifest.json").read_text(encoding="utf-8"))
    from doithoai.fileio import sha256_file

    for f in manifest["files"]:
        assert sha256_file(isolated / "cong-khai" / f["path"]) == f["sha256"]


def test_full_dossier_copies_issued_documents(cli, demo, isolated):
    cli("doc", "plan", "2023-KHOENON", "-o", isolated / "kh.docx", "--date", "2023-09-05")
    cli("dossier", "export", "2023-KHOENON", "-o", isolated / "hoso", "--as-of", "2023-10-20")
    assert (isolated / "hoso" / "van-ban" / "01-ke-hoach.docx").read_bytes() == (isolated / "kh.docx").read_bytes()
    manifest = json.loads((isolated / "hoso" / "manifest.json").read_text(encoding="utf-8"))
    assert any("04-bien-ban.docx: chưa ban hành" in n for n in manifest["notes"])
    assert "Lò Văn Thắng" in (isolated / "hoso" / "du-lieu" / "kien-nghi.csv").read_text(encoding="utf-8-sig")
    assert "đã có" in cli.fail("dossier", "export", "2023-KHOENON", "-o", isolated / "hoso").stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_every_kind(cli, demo, isolated):
    files = generate_all(cli, isolated)
    profile = f"-env:UserInstallation={(isolated / 'lo-profile').as_uri()}"  # never the user's own profile
    result = subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(isolated / "pdf"),
                             *map(str, files.values())], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for path in files.values():
        pdf = isolated / "pdf" / (path.stem + ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_a_letter_about_a_petition_needs_its_step_recorded(cli, unit, session, isolated, db_path):
    pid = add_petition(cli, session)
    before = dump(db_path)
    for command, words, fix in (("transfer", "chưa được chuyển", f"petition transfer {pid} --to"),
                                ("escalation", "chưa được trình cấp trên", f"petition escalate {pid} --reason"),
                                ("answer-notice", "chưa có kết quả trả lời", f"petition answer {pid}")):
        err = cli.fail("doc", command, str(pid), "-o", isolated / f"{command}.docx").stderr
        assert f"Kiến nghị số {pid} {words}." in err and fix in err, err
        assert not (isolated / f"{command}.docx").exists()
    assert dump(db_path) == before  # nothing numbered, nothing written


def test_a_template_edited_between_two_documents_of_one_process_is_read_again(tmp_path):
    """remind keeps templates parsed across letters; an edited file must not be served stale."""
    import io

    from doithoai.documents import engine

    def template(text: str) -> Path:
        doc = Document()
        doc.add_paragraph(text)
        doc.save(tmp_path / "plan.docx")
        return tmp_path / "plan.docx"

    def rendered(path: Path) -> str:
        data = engine.render_bytes(path, {"commune": "Khoen On", "number_line": "Số 1", "signer_name": "A"})
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)

    path = template("Lần một: {{ commune }} {{ number_line }} {{ signer_name }}")
    assert "Lần một: Khoen On" in rendered(path)
    engine._require_issuable(path, "plan")
    template("Lần hai: {{ commune }} {{ number_line }}")
    assert "Lần hai: Khoen On" in rendered(path)
    with pytest.raises(engine.IssueRefused):
        engine._require_issuable(path, "plan")


def test_a_letter_about_a_petition_is_issued_only_after_its_step(case_db, isolated):
    """The rule on the service: no number is taken and no file written for a letter whose step
    (transfer, escalation, answer) is not recorded; once it is, the letter is issued."""
    import datetime as dt

    from case import HELD, add, refused, write

    from doithoai import petition_actions
    from doithoai.documents import engine
    from doithoai.errors import InvalidTransition

    pid = add(case_db)
    for kind, words, action in (("transfer", "chưa được chuyển", "petition.transfer_first"),
                                ("escalation", "chưa được trình cấp trên", "petition.escalate_first"),
                                ("answer_notice", "chưa có kết quả trả lời", "petition.answer_first")):
        err = refused(case_db, f"Kiến nghị số {pid} {words}", engine.generate, kind, isolated / f"{kind}.docx",
                      doc_date=HELD, petition_id=pid, petition=pid, error=InvalidTransition)
        assert err.fix.action == action and not (isolated / f"{kind}.docx").exists()
    write(case_db, petition_actions.transfer, dt.date(2023, 9, 20), pid, to="Sở Tư pháp")
    issued = write(case_db, engine.generate, "transfer", isolated / "cv.docx", doc_date=dt.date(2023, 9, 20),
                   petition_id=pid, petition=pid)
    assert issued["number"] == "01-CV/HU" and (isolated / "cv.docx").exists()
