"""The official layout of issued documents (NĐ 30/2020 Appendix I for state units, HD 36-HD/VPTW
for party units), read from the .docx XML; and, with LibreOffice, from the rendered pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

KINDS = ["plan", "invitation", "minutes", "conclusions", "report"]


def all_paragraphs(doc):
    out = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                out.extend(cell.paragraphs)
    return out


def runs_with(doc, text: str):
    return [r for p in all_paragraphs(doc) for r in p.runs if text in r.text]


def full_text(path: Path) -> str:
    return "\n".join(p.text for p in all_paragraphs(Document(path)))


STATE_UNIT_STEPS = (
    ("init", "--unit", "Ủy ban nhân dân xã Khoen On", "--level", "xa", "--place", "Khoen On",
     "--escalate-to", "UBND huyện Than Uyên", "--signer-on-behalf", "TM. ỦY BAN NHÂN DÂN",
     "--signer-title", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", "--signer-name", "Hoàng Văn Pọm"),
    ("agency", "add", "KT", "Phòng Kinh tế"),
    ("agency", "add", "DLTU", "Điện lực Than Uyên"),
    ("session", "create", "--commune", "xã Khoen On", "--date", "2026-03-12", "--time", "08:00",
     "--location", "Hội trường UBND xã", "--chair", "Chủ tịch UBND xã", "--chair-name", "Lò Văn Minh",
     "--chair-position", "Chủ tịch UBND xã", "--secretary-name", "Vì Thị Hoa", "--secretary-position",
     "Công chức Văn phòng - Thống kê", "--citizens", "95", "--end-time", "11:30"),
)


@pytest.fixture
def state_unit(cli, templates, db_path):
    templates.copy("state-unit", STATE_UNIT_STEPS, db_path)
    return "2026-xa-khoen-on"


def add(cli, session, name, address, content, *extra, as_of="2026-03-05"):
    cli("petition", "add", "--session", session, "--name", name, "--address", address, "--content", content,
        "--as-of", as_of, *extra)
    return max(r["id"] for r in cli.json("petition", "list", "--session", session))


@pytest.fixture
def state_docs(templates, db_path) -> dict[str, Path]:
    """Every kind for a state unit's session, made once per run; the tests only read them."""
    made = templates.copy("state-docs", STATE_UNIT_STEPS, db_path, make=_make_state_docs)
    return {kind: Path(path) for kind, path in made.items()}


def _make_state_docs(cli) -> dict[str, str]:
    s = "2026-xa-khoen-on"
    ids = [add(cli, s, f"Lò Văn Thắng {i}", "Bản Nà Khương", f"Đề nghị sửa đường nội bản số {i}", "--speak")
           for i in range(1, 4)]
    cli("session", "notice", s, "--on", "2026-03-02", "--as-of", "2026-03-02")
    cli("session", "hold", s, "--as-of", "2026-03-12")
    cli("petition", "assign", ids[0], "KT", "--support", "DLTU", "--as-of", "2026-03-12")
    cli("petition", "conclude", ids[0], "--text", "Giao KT phối hợp DLTU kiểm tra..", "--as-of", "2026-03-12")
    cli("petition", "answer", ids[1], "--at-meeting", "--summary", "Đã giải thích tại hội nghị", "--agency", "KT",
        "--resolved", "--as-of", "2026-03-12")
    out = cli.path.parent / "state-docs-vb"
    out.mkdir()
    # the third petition has no agency and no answer: the notice of conclusions is refused
    err = cli.fail("doc", "conclusions", s, "-o", out / "conclusions.docx", "--date", "2026-03-16").stderr
    assert "chưa giao cơ quan nào" in err and f"số {ids[2]}" in err and "--allow-unassigned" in err
    cli("petition", "assign", ids[2], "KT", "--as-of", "2026-03-12")
    files = {}
    for kind in KINDS:
        files[kind] = out / f"{kind}.docx"
        cli("doc", kind, s, "-o", files[kind], *(() if kind == "minutes" else ("--date", "2026-03-16")))
    return {kind: str(path) for kind, path in files.items()}


def test_state_header_and_number(state_docs):
    doc = Document(state_docs["plan"])
    header = doc.tables[0]
    texts = [p.text for p in header.rows[0].cells[0].paragraphs]
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "XÃ KHOEN ON"]  # broken at the natural place, no empty line above
    # the short solid line under the issuing body: a bottom border on a narrow paragraph
    line = header.rows[0].cells[0].paragraphs[2]
    assert line._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None and line.text == ""
    title, motto = header.rows[0].cells[1].paragraphs[:2]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and title.runs[0].bold
    assert 12 <= title.runs[0].font.size.pt <= 13
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold and motto.runs[0].underline
    assert 13 <= motto.runs[0].font.size.pt <= 14
    # the right column holds the national title on one line: at least 10 cm wide
    grid = header._tbl.find(qn("w:tblGrid"))
    widths = [int(c.get(qn("w:w"))) / 567 for c in grid.findall(qn("w:gridCol"))]
    assert widths[1] >= 10.0 and abs(sum(widths) - 16.5) < 0.1
    # number and place-date on one level (the second row)
    assert header.rows[1].cells[0].paragraphs[0].text == "Số: 01/KH-UBND"
    assert header.rows[1].cells[1].paragraphs[0].text == "Khoen On, ngày 16 tháng 3 năm 2026"
    assert header.rows[1].cells[1].paragraphs[0].runs[0].italic


def test_state_signer_block_recipients_and_pages(state_docs):
    doc = Document(state_docs["conclusions"])
    sign = doc.tables[-1]
    right = [p.text for p in sign.rows[0].cells[1].paragraphs if p.text]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Pọm"]
    left = [p for p in sign.rows[0].cells[0].paragraphs if p.text]
    assert left[0].text == "Nơi nhận:" and left[0].runs[0].bold and left[0].runs[0].italic
    assert left[0].runs[0].font.size.pt == 12 and left[1].runs[0].font.size.pt == 11
    items = [p.text for p in left[1:]]
    assert all(x.endswith(";") for x in items[:-1]) and items[-1] == "- Lưu: VT."
    assert not any("Khoen On" in x and "Cấp ủy" in x for x in items)  # never its own recipient
    # the signature block cannot split and the last body paragraph stays with it
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    body = [p for p in doc.paragraphs if p.text.strip()]
    assert body[-1].text.endswith("./.") and body[-1].paragraph_format.keep_with_next
    # page numbers from page 2: a PAGE field in the header, a different (empty) first-page header
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml


def test_state_content_has_names_not_codes(state_docs):
    text = full_text(state_docs["conclusions"])
    assert "Kiến nghị của ông Lò Văn Thắng 1 (Bản Nà Khương)" in text
    assert "Giao Phòng Kinh tế phối hợp Điện lực Than Uyên kiểm tra." in text  # codes expanded, one full stop
    assert "cơ quan phối hợp: Điện lực Than Uyên" in text and "thời hạn trả lời:" in text
    assert "DLTU" not in text and " KT " not in text and "2026-xa-khoen-on" not in text and ".." not in text
    minutes = full_text(state_docs["minutes"])
    assert "Khoen On, ngày 12 tháng 3 năm 2026" in minutes  # dated the meeting day
    assert "Lò Văn Minh, Chủ tịch UBND xã" in minutes and "95 người" in minutes and "11 giờ 30" in minutes
    assert "Trả lời (Phòng Kinh tế): Đã giải thích tại hội nghị." in minutes
    sign = Document(state_docs["minutes"]).tables[-1].rows[0].cells
    assert [p.text for p in sign[0].paragraphs if p.text] == ["THƯ KÝ", "Vì Thị Hoa"]
    assert [p.text for p in sign[1].paragraphs if p.text] == ["CHỦ TRÌ HỘI NGHỊ", "Lò Văn Minh"]
    report = Document(state_docs["report"])
    appendix = report.tables[-1]
    assert appendix.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # heading row repeats
    assert all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in appendix.rows)
    text = full_text(state_docs["report"])
    assert "(Kèm theo Báo cáo số 01/BC-UBND ngày 16/03/2026 của Ủy ban nhân dân xã Khoen On)" in text
    xml = report.element.body.xml
    assert xml.index('w:type="page"') < xml.index("PHỤ LỤC")  # the appendix starts a page after the signature


def test_document_properties(state_docs):
    core = Document(state_docs["plan"]).core_properties
    assert core.author == "Ủy ban nhân dân xã Khoen On" and core.language == "vi-VN"
    assert core.created.date().isoformat() == "2026-03-16"


def test_party_header_and_numbering_through_the_term(cli, unit, session, isolated):
    cli("config", "set", "doc.term_start", "2020-10-01")
    cli("doc", "plan", session, "-o", isolated / "a.docx", "--date", "2023-09-05")
    cli("doc", "report", session, "-o", isolated / "b.docx", "--date", "2024-01-10", "--as-of", "2024-01-10")
    doc = Document(isolated / "a.docx")
    header = doc.tables[0]
    left = [p.text for p in header.rows[0].cells[0].paragraphs if p.text]
    assert left == ["ĐẢNG BỘ TỈNH LAI CHÂU", "HUYỆN ỦY THAN UYÊN", "*"]
    superior, issuer = [p for p in header.rows[0].cells[0].paragraphs if p.text][:2]
    assert not superior.runs[0].bold and issuer.runs[0].bold and issuer.runs[0].font.size.pt == 14
    party = header.rows[0].cells[1].paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.runs[0].underline and party.runs[0].font.size.pt == 15
    assert header.rows[1].cells[0].paragraphs[0].text == "Số 01-KH/HU"
    label = next(p for p in doc.tables[-1].rows[0].cells[0].paragraphs if p.text)
    assert label.text == "Nơi nhận:" and label.runs[0].underline and label.runs[0].font.size.pt == 14
    assert "- Lưu Văn phòng Huyện ủy Than Uyên." in full_text(isolated / "a.docx")
    assert "Thường trực cấp ủy" not in full_text(isolated / "a.docx")  # its own standing office
    assert "CỘNG HÒA" not in full_text(isolated / "a.docx")
    # a new year inside the term does not restart the series; the state style would
    cli("doc", "conclusions", session, "-o", isolated / "c.docx", "--date", "2024-01-11", "--allow-unassigned")
    assert "Số 01-TB/HU" in full_text(isolated / "c.docx")
    cli("doc", "invitation", session, "-o", isolated / "d.docx", "--date", "2024-01-11", "--no-form")
    cli("config", "set", "doc.numbering", "shared")
    cli("doc", "minutes", session, "-o", isolated / "e.docx", "--date", "2024-02-01")
    assert "Số 02-BB/HU" in full_text(isolated / "e.docx")  # shared: after the highest number in the term


def test_settings_migrate_from_the_single_parent(isolated):
    import sqlite3

    from doithoai.base import open_base
    from doithoai.migrations import NAMES

    path = isolated / "old.db"
    db = open_base(path)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name IN ('m007_issued_documents')")
    conn.execute("ALTER TABLE documents DROP COLUMN content")
    conn.execute("ALTER TABLE documents DROP COLUMN status")
    conn.execute("ALTER TABLE documents DROP COLUMN replaced_by")
    conn.execute("ALTER TABLE documents DROP COLUMN series")
    conn.execute("INSERT INTO settings VALUES ('unit.parent', 'Tỉnh uỷ Lai Châu'), ('unit.style', 'party')")
    conn.commit()
    conn.close()
    del db
    db = open_base(path)
    values = dict(db.execute("SELECT key, value FROM settings").fetchall())
    assert values["unit.superior"] == "ĐẢNG BỘ TỈNH LAI CHÂU" and values["unit.escalate_to"] == "Tỉnh uỷ Lai Châu"
    assert "unit.parent" not in values and "m007_issued_documents" in NAMES


def test_signer_override_per_document(cli, unit, session, isolated):
    cli("doc", "plan", session, "-o", isolated / "kh.docx", "--signer-title", "Q. BÍ THƯ",
        "--signer-name", "Tòng Văn Hải")
    right = [p.text for p in Document(isolated / "kh.docx").tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert right == ["T/M BAN THƯỜNG VỤ", "Q. BÍ THƯ", "Tòng Văn Hải"]


def test_transfer_letter_and_notice_have_their_own_numbers(cli, unit, session, isolated):
    pid = add(cli, session, "Lò Văn Pánh", "Bản Mì", "Đề nghị chi trả tiền dịch vụ môi trường rừng", as_of="2023-09-05")
    cli("petition", "transfer", pid, "--to", "Công ty Thủy điện Huội Quảng", "--as-of", "2023-09-20")
    cli("doc", "transfer", pid, "-o", isolated / "cv.docx", "--date", "2023-09-20")
    letter, notice = full_text(isolated / "cv.docx"), full_text(isolated / "cv-thong-bao.docx")
    assert "Số 01-CV/HU" in letter and "Kính gửi: Công ty Thủy điện Huội Quảng" in letter
    assert "Số 01-TB/HU" in notice and "Công văn số 01-CV/HU ngày 20/09/2023" in notice
    shown = cli.json("petition", "show", pid)
    transfer = next(a for a in shown["actions"] if a["kind"] == "transfer")
    assert transfer["doc_number"] == "01-CV/HU"  # the number recorded is the number printed
    recipients = [p.text for p in Document(isolated / "cv.docx").tables[-1].rows[0].cells[0].paragraphs if p.text]
    assert recipients[1] == "- Như trên;" and recipients[-1].endswith(".")


def test_escalation_and_answer_notice(cli, unit, session, isolated):
    pid = add(cli, session, "Hoàng Thị Mai", "Bản Phiêng Lúc", "Đề nghị làm cầu treo qua suối", as_of="2023-09-05")
    other = add(cli, session, "Lò Văn Thắng", "Bản Nà Khương", "Đề nghị cấp giấy chứng nhận", as_of="2023-09-05")
    cli("session", "notice", session, "--on", "2023-09-01", "--as-of", "2023-09-01")
    cli("session", "hold", session, "--as-of", "2023-09-14")
    cli("petition", "escalate", pid, "--reason", "Vượt khả năng ngân sách của huyện", "--as-of", "2023-09-20")
    cli("doc", "escalation", pid, "-o", isolated / "tt.docx", "--date", "2023-09-20")
    text = full_text(isolated / "tt.docx")
    assert "Kính gửi: Tỉnh ủy Lai Châu" in text and "bà Hoàng Thị Mai (Bản Phiêng Lúc)" in text
    assert "vượt khả năng ngân sách của huyện." in text and text.count("./.") == 1
    assert "chưa có kết quả" in cli.fail("doc", "answer-notice", other, "-o", isolated / "x.docx").stderr
    cli("petition", "assign", other, "TNMT", "--as-of", "2023-09-14")
    cli("petition", "answer", other, "--written", "--doc-number", "15/TNMT", "--doc-date", "2023-09-25",
        "--summary", "Hồ sơ đủ điều kiện, đã cấp giấy chứng nhận.", "--as-of", "2023-09-25")
    cli("doc", "answer-notice", other, "-o", isolated / "tb.docx", "--date", "2023-09-26", "--as-of", "2023-09-26")
    text = full_text(isolated / "tb.docx")
    assert "Kính gửi: Ông Lò Văn Thắng (Bản Nà Khương)" in text
    assert "Phòng Tài nguyên và Môi trường đã trả lời bằng văn bản số 15/TNMT ngày 25/09/2023" in text
    assert "đã cấp giấy chứng nhận." in text and "chứng nhận.." not in text


def test_sandbox_refuses_an_escape_and_check_reports_it(cli, unit, session, isolated, db_path):
    from conftest import dump

    from doithoai.documents.engine import builtin_dir

    doc = Document(builtin_dir() / "plan.docx")
    doc.add_paragraph("{{ commune.__class__.__mro__[1].__subclasses__() }}")
    doc.save(isolated / "plan.docx")
    before = dump(db_path)
    err = cli.fail("doc", "plan", session, "-o", isolated / "x.docx", "--template", isolated / "plan.docx").stderr
    assert "thuộc tính nội bộ" in err and not (isolated / "x.docx").exists()
    assert dump(db_path) == before
    err = cli.fail("doc", "check", isolated / "plan.docx").stderr
    assert "__class__" in err and "__subclasses__" in err


def test_template_without_number_or_signature_cannot_issue(cli, unit, session, isolated):
    doc = Document()
    doc.add_paragraph("Kế hoạch {{ commune }}")
    doc.save(isolated / "ngan.docx")
    err = cli.fail("doc", "plan", session, "-o", isolated / "x.docx", "--template", isolated / "ngan.docx").stderr
    assert "số văn bản (number_line)" in err and "khối chữ ký (signer_name)" in err and "--draft" in err
    assert "bản nháp" in cli("doc", "plan", session, "-o", isolated / "x.docx", "--template", isolated / "ngan.docx",
                             "--draft").stderr


def soffice_pdf(path: Path) -> str:
    # a profile of its own: two LibreOffice processes sharing one profile fail at random
    profile = f"-env:UserInstallation={(path.parent / 'lo-profile').as_uri()}"
    result = subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return subprocess.run(["pdftotext", "-layout", str(path.with_suffix(".pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout


need_office = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                 reason="LibreOffice (soffice) and poppler (pdftotext) are not installed")


@pytest.mark.slow
@need_office
def test_rendered_state_title_one_line_and_signature_on_one_page(cli, state_unit, isolated):
    s = state_unit
    for i in range(1, 61):  # a session with 60 petitions: several pages
        add(cli, s, f"Lò Văn Thắng {i}", "Bản Nà Khương", "Đề nghị sửa chữa đường giao thông nội bản, làm rãnh thoát "
            f"nước và lắp đèn chiếu sáng công cộng để bảo đảm an toàn đi lại trong mùa mưa lũ (ý kiến {i})",
            *(("--speak",) if i % 3 == 0 else ()))
    cli("session", "notice", s, "--on", "2026-03-02", "--as-of", "2026-03-02")
    cli("session", "hold", s, "--as-of", "2026-03-12")
    (isolated / "vb").mkdir()
    for kind in ("conclusions", "report", "minutes"):
        path = isolated / "vb" / f"{kind}.docx"
        cli("doc", kind, s, "-o", path, "--date", "2026-03-16", "--allow-unassigned" if kind == "conclusions" else "--draft")
        pages = [p for p in soffice_pdf(path).split("\f") if p.strip()]
        assert len(pages) > 2, kind
        assert re.search(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", pages[0]), kind  # one line, unbroken
        assert re.search(r"^\s*2\s*$", pages[1].splitlines()[0] if pages[1].strip() else "", re.M), kind
        if kind == "minutes":
            signer, name = "CHỦ TRÌ HỘI NGHỊ", "Lò Văn Minh"
        else:
            signer, name = "PHÓ CHỦ TỊCH", "Hoàng Văn Pọm"
        [on] = [i for i, p in enumerate(pages) if signer in p]
        assert name in pages[on], kind
        assert "./." in pages[on], kind  # the end of the body text is on the signature's page


@pytest.mark.slow
@need_office
def test_rendered_party_documents(cli, demo_db, isolated):
    (isolated / "vb").mkdir()
    for kind in ("plan", "report"):
        path = isolated / "vb" / f"{kind}.docx"
        cli("doc", kind, "2023-KHOENON", "-o", path, "--date", "2023-10-20", "--as-of", "2023-10-20")
        pages = soffice_pdf(path).split("\f")
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in pages[0] and "ĐẢNG BỘ TỈNH LAI CHÂU" in pages[0]
        [on] = [i for i, p in enumerate(pages) if "PHÓ BÍ THƯ" in p]
        assert "Lê Thị Kim Ngân" in pages[on]



def test_report_figures_agree_with_report_summary(cli, demo_db, isolated):
    summary = cli.json("report", "summary", "--session", "2023-KHOENON", "--as-of", "2023-10-20")
    cli("doc", "report", "2023-KHOENON", "-o", isolated / "bc.docx", "--date", "2023-10-20", "--as-of", "2023-10-20")
    text = full_text(isolated / "bc.docx")
    assert f"Tổng số ý kiến, kiến nghị: {summary['total']}," in text
    late = summary["written_answers"] - summary["answered_on_time"]
    assert (f"đã trả lời bằng văn bản {summary['written_answers']} (đúng hạn {summary['answered_on_time']}, "
            f"quá hạn {late})") in text
    assert f"(trong đó quá hạn {summary['overdue']})" in text
    # transferred petitions name the competent body in the appendix
    assert "Đã chuyển Công ty Thủy điện Huội Quảng - Bản Chát" in text
    assert "đồng chí Lò Văn Cường, Bí thư Huyện ủy" in text


def test_every_builtin_template_checks_clean(cli, isolated):
    from doithoai.documents.engine import builtin_dir

    for path in sorted(builtin_dir().glob("*.docx")):
        result = cli.json("doc", "check", path)
        assert (result["unknown"], result["missing"], result["private"]) == ([], [], []), path.name


def test_text_rules_for_official_documents():
    from doithoai.documents.context import honorific, issuer_lines, sentence
    from doithoai.settings import superior_from

    assert issuer_lines("Ủy ban nhân dân xã Khoen On") == ["ỦY BAN NHÂN DÂN", "XÃ KHOEN ON"]
    assert issuer_lines("UBND thị trấn Than Uyên") == ["ỦY BAN NHÂN DÂN", "THỊ TRẤN THAN UYÊN"]
    assert issuer_lines("Huyện ủy Than Uyên") == ["HUYỆN ỦY THAN UYÊN"]
    assert issuer_lines("Ban Dân vận Huyện ủy Than Uyên") == ["BAN DÂN VẬN", "HUYỆN ỦY THAN UYÊN"]
    assert sentence("Đã trả lời") == "Đã trả lời." and sentence("Đã trả lời.") == "Đã trả lời."
    assert sentence("Đã trả lời..") == "Đã trả lời." and sentence("Ông nói: “đồng ý.”") == "Ông nói: “đồng ý.”"
    assert sentence("Còn chờ...") == "Còn chờ..." and sentence("  ") == ""
    assert honorific("Lò Văn Thắng") == "ông Lò Văn Thắng" and honorific("Hoàng Thị Mai") == "bà Hoàng Thị Mai"
    assert honorific("Điêu Chính Tâm") == "Điêu Chính Tâm" and honorific("Bà Lò Thị A") == "Bà Lò Thị A"
    assert honorific("Hợp tác xã Khoen On", True) == "Hợp tác xã Khoen On"
    assert superior_from("Tỉnh uỷ Lai Châu", "party") == "ĐẢNG BỘ TỈNH LAI CHÂU"
    assert superior_from("Huyện ủy Than Uyên", "party") == "ĐẢNG BỘ HUYỆN THAN UYÊN"
    assert superior_from("UBND tỉnh Lai Châu", "state") == ""


def test_no_reminder_without_overdue_petitions(cli, unit, session, isolated, db_path):
    from conftest import dump

    before = dump(db_path)
    err = cli.fail("doc", "reminder", "LDTBXH", "-o", isolated / "dd.docx", "--as-of", "2023-10-20").stderr
    assert "không có kiến nghị quá hạn" in err and not (isolated / "dd.docx").exists()
    assert dump(db_path) == before


def test_report_names_the_body_of_a_transferred_petition_answered_later(cli, state_unit, isolated):
    s = state_unit
    pid = add(cli, s, "Lò Văn Thắng", "Bản Nà Khương", "Tranh chấp đất giáp ranh với xã bên")
    cli("session", "notice", s, "--on", "2026-03-02", "--as-of", "2026-03-02")
    cli("session", "hold", s, "--as-of", "2026-03-12")
    cli("petition", "transfer", pid, "--to", "Tòa án nhân dân huyện Than Uyên", "--as-of", "2026-03-13")
    cli("petition", "reopen", pid, "--reason", "Tòa án trả lại, xã giải quyết", "--as-of", "2026-03-16")
    cli("petition", "assign", pid, "KT", "--as-of", "2026-03-16")
    cli("petition", "answer", pid, "--written", "--doc-number", "07/UBND", "--doc-date", "2026-03-20",
        "--summary", "Đã hòa giải thành", "--as-of", "2026-03-20")
    cli("doc", "report", s, "-o", isolated / "bc.docx", "--date", "2026-03-25")
    text = full_text(isolated / "bc.docx")
    assert "Đã chuyển Tòa án nhân dân huyện Than Uyên; đã trả lời (văn bản số 07/UBND ngày 20/03/2026)" in text
