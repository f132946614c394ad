"""`report dashboard`: one self-contained page whose figures are those of `report summary`."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from case import add, write
from conftest import make_unit

from doithoai import petition_actions as actions
from doithoai import sessions

PEOPLE = [("Lò Văn Thắng", "Bản Khoen", "0912345678", "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho hộ Lò Văn Thắng"),
          ("Hoàng Thị Mai", "Bản Ta Gia", "0987654321", "Đường vào bản Ta Gia sạt lở, đề nghị sửa chữa"),
          ("Lường Văn Hoan", "Bản Nà Khum", "0911222333", "Nhà văn hóa bản Nà Khum xuống cấp"),
          ("Cầm Thị Lan", "Bản Mường", "0933444555", "Đề nghị hỗ trợ giống cây trồng")]


class Figures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.figures, self.tags = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "data-figure" in attrs:
            self.figures[attrs["data-figure"]] = attrs.get("data-value")


def make_petitions(db) -> list[int]:
    """A 2025 session (answers due 29/04/2025) with four petitions: two for TNMT, one answered by LDTBXH."""
    make_unit(db)
    write(db, sessions.create, commune="Khoen On", date=dt.date(2025, 4, 9))
    ids = [add(db, name, content, session="2025-khoen-on", today=dt.date(2025, 4, 1), address=address, phone=phone,
               field="dat dai") for name, address, phone, content in PEOPLE]
    for pid, agency in zip(ids, ("TNMT", "TNMT", "LDTBXH"), strict=False):
        write(db, actions.assign, dt.date(2025, 4, 9), pid, agency)
    write(db, actions.answer, dt.date(2025, 4, 20), ids[2], written=True, summary="Đã trả lời", doc_number="12/CV",
          doc_date=dt.date(2025, 4, 20))
    return ids


@pytest.fixture
def petitions(templates, db_path, unit) -> list[int]:
    """make_petitions, built once per run through the services and copied for each test."""
    return templates.base("dashboard-2025", make_petitions, db_path)


def figures(path) -> dict:
    parser = Figures()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def expected(summary: dict) -> dict:
    open_count = sum(r["count"] for r in summary["by_status"] if r["status"] in ("new", "assigned"))
    return {"as_of": summary["as_of"], "total": str(summary["total"]), "open": str(open_count),
            "overdue": str(summary["overdue"]),
            "on_time_share": "" if summary["on_time_share"] is None else str(summary["on_time_share"])}


def test_dashboard_figures_match_summary_and_page_is_self_contained(cli, petitions, isolated):
    page = isolated / "tongquan.html"
    cli("report", "dashboard", "-o", page, "--as-of", "2025-05-06")
    summary = cli.json("report", "summary", "--as-of", "2025-05-06")
    parsed = figures(page)
    assert parsed.figures == expected(summary)
    assert summary["overdue"] == 3 and summary["on_time_share"] == 1.0
    text = page.read_text(encoding="utf-8")
    assert (os.stat(page).st_mode & 0o777) == 0o600
    fetched = text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a namespace name, never fetched
    assert not re.search(r"<script|<link|@import|url\(|src=|https?://", fetched, re.I)  # nothing fetched at view time
    assert text.count("<svg") == 3 and 'lang="vi"' in text
    bars = {a["data-label"]: int(a["data-value"]) for tag, a in parsed.tags if tag == "g" and "data-label" in a}
    assert bars["TNMT"] == 2 and bars["(chưa giao)"] == 1  # overdue by lead agency, from the data
    assert "Đề nghị cấp giấy chứng nhận quyền sử dụng đất" in text  # the internal page shows contents


def test_public_dashboard_has_no_personal_data(cli, petitions, isolated):
    page = isolated / "cong-khai.html"
    cli("report", "dashboard", "-o", page, "--as-of", "2025-05-06", "--public")
    text = page.read_text(encoding="utf-8")
    for name, address, phone, content in PEOPLE:
        for word in (name, address, phone, content, name.split()[-1] + "</"):
            assert word not in text, word
    assert "Bản công khai" in text
    summary = cli.json("report", "summary", "--as-of", "2025-05-06")
    assert figures(page).figures == expected(summary)


def test_empty_base_still_renders(cli, unit, isolated):
    page = isolated / "trong.html"
    cli("report", "dashboard", "-o", page, "--as-of", "2025-05-06")
    assert figures(page).figures["total"] == "0" and "Không có kiến nghị quá hạn" in page.read_text(encoding="utf-8")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args, profile):
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_dashboard_in_headless_chromium(cli, petitions, isolated):
    page = isolated / "tongquan.html"
    cli("report", "dashboard", "-o", page, "--as-of", "2025-05-06")
    summary = cli.json("report", "summary", "--as-of", "2025-05-06")
    dom = chromium("--dump-dom", page.as_uri(), profile=isolated / "chr").stdout
    parser = Figures()
    parser.feed(dom)
    assert parser.figures == expected(summary)
    shot = isolated / "tongquan.png"
    chromium(f"--screenshot={shot}", "--window-size=820,1100", page.as_uri(), profile=isolated / "chr")
    assert shot.stat().st_size > 20_000
    if os.environ.get("DOITHOAI_KEEP_SCREENSHOT"):  # to look at it: DOITHOAI_KEEP_SCREENSHOT=/tmp/x.png
        shutil.copy(shot, os.environ["DOITHOAI_KEEP_SCREENSHOT"])
    pdf = isolated / "tongquan.pdf"
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), profile=isolated / "chr")
    assert _pages(pdf) == 1  # prints on one A4 page


def _pages(pdf) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", out).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_results_report_with_charts(cli, petitions, isolated):
    import hashlib

    from docx import Document

    out = isolated / "bao-cao.docx"
    result = cli("doc", "report", "2025-khoen-on", "-o", out, "--as-of", "2025-05-06", "--charts")
    assert "Đã thêm 3 biểu đồ" in result.stderr
    doc = Document(out)
    assert len(doc.inline_shapes) == 3
    texts = [p.text for p in doc.paragraphs]
    assert "Biểu đồ 1. Quá hạn theo cơ quan chủ trì" in texts and "Biểu đồ 3. Kiến nghị theo lĩnh vực" in texts
    assert texts.index("Biểu đồ kèm theo báo cáo") < next(i for i, t in enumerate(texts) if t.startswith("III."))
    png = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[png].blob.startswith(b"\x89PNG")
    register = {r["kind"]: r for r in cli.json("doc", "register")}
    assert register["report"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()  # the register matches the file
    cli("doc", "report", "2025-khoen-on", "-o", isolated / "lai.docx", "--as-of", "2025-05-06")
    assert (isolated / "lai.docx").read_bytes() == out.read_bytes()  # reproduced as issued, charts included
    draft = isolated / "nhap.docx"
    cli("doc", "report", "2025-khoen-on", "-o", draft, "--as-of", "2025-05-06", "--draft", "--charts")
    assert len(Document(draft).inline_shapes) == 3


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_charts_never_change_an_issued_report(cli, petitions, isolated):
    from docx import Document

    out = isolated / "bao-cao.docx"
    cli("doc", "report", "2025-khoen-on", "-o", out, "--as-of", "2025-05-06")
    issued = out.read_bytes()
    later = cli("doc", "report", "2025-khoen-on", "-o", out, "--as-of", "2025-05-06", "--charts")
    assert out.read_bytes() == issued and "--reissue" in later.stderr
    cli("doc", "report", "2025-khoen-on", "-o", out, "--as-of", "2025-05-06", "--charts", "--reissue")
    assert len(Document(out).inline_shapes) == 3


def test_charts_without_a_browser_refuses_before_issuing(cli, petitions, isolated, monkeypatch):
    monkeypatch.setenv("PATH", str(isolated / "empty"))
    result = cli.fail("doc", "report", "2025-khoen-on", "-o", isolated / "bao-cao.docx", "--as-of", "2025-05-06", "--charts")
    assert "Chromium" in result.stderr and "không có --charts" in result.stderr
    assert not (isolated / "bao-cao.docx").exists()
    assert cli.json("doc", "register") == []


def test_trend_and_hostile_names_are_drawn_as_text(cli, petitions, isolated):
    ids = petitions
    cli("init", "--unit", "<script>alert(1)</script> & \"Huyện ủy\"", "--level", "huyen")
    cli("petition", "answer", ids[0], "--written", "--summary", "Trả lời muộn", "--doc-number", "15/CV",
        "--doc-date", "2025-05-05", "--as-of", "2025-05-05")
    page = isolated / "tongquan.html"
    cli("report", "dashboard", "-o", page, "--as-of", "2025-05-06")
    parsed = figures(page)
    months = {a["data-month"]: a["data-value"] for tag, a in parsed.tags if tag == "circle"}
    assert months == {"2025-04": "1.0", "2025-05": "0.0"}  # 20/04 on time; 05/05 after the 29/04 due date
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Huyện ủy&quot;" in text
    summary = cli.json("report", "summary", "--as-of", "2025-05-06")
    assert parsed.figures == expected(summary) and summary["on_time_share"] == 0.5
