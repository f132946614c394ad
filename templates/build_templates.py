"""Authors the built-in .docx templates in this folder (run again after changing it).

    python templates/build_templates.py

The templates are ordinary Word files with docxtpl (Jinja2) placeholders; a clerk may open
and edit them, or copy one into the unit's own template folder (setting doc.template_dir).
Layout: Nghị định 30/2020/NĐ-CP for state documents and Hướng dẫn 36-HD/VPTW for party
documents — A4, margins 20/20/30/15 mm, Times New Roman 14 (header 13), a borderless
two-column header, justified body with first-line indent, signature block and "Nơi nhận".
The differences between the two styles (motto, number form, "*" mark, underlined "Nơi
nhận") are values the tool fills in, so one template serves both.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).parent
FONT = "Times New Roman"


def new_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = Pt(14)
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(0), Pt(6), 1.1
    return doc


def para(container, text: str = "", *, bold=False, italic=False, underline=False, size=None,
         align=None, indent=False, space_after=None, keep=False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None
        if size:
            run.font.size = Pt(size)
    fmt = p.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent:
        fmt.first_line_indent = Cm(1.27)
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if keep:
        fmt.keep_with_next = True
    return p


def body(container, text: str):
    return para(container, text, indent=True)


def heading(container, text: str):
    return para(container, text, bold=True, indent=True, keep=True)


def tag(container, text: str):
    """A paragraph holding only a docxtpl block tag ({%p … %}); it disappears when rendered."""
    return para(container, text, space_after=0)


def borderless(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table, widths: list[float]) -> None:
    """Column widths in the grid (what LibreOffice reads) and in every cell (what Word reads)."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def cell_para(cell, text="", first=False, **kw):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = kw.get("bold") or None, kw.get("italic") or None, kw.get("underline") or None
        run.font.size = Pt(kw.get("size", 13))
    p.paragraph_format.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_after = Pt(kw.get("space_after", 0))
    p.paragraph_format.space_before = Pt(kw.get("space_before", 0))
    p.paragraph_format.line_spacing = 1.0
    if kw.get("keep", True):
        p.paragraph_format.keep_with_next = True
    return p


def rule(cell_or_doc, width_cm: float, column_cm: float, first=False, space_after=0):
    """A short solid horizontal line, centred: an empty paragraph with a bottom border."""
    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    fmt = p.paragraph_format
    side = max((column_cm - width_cm) / 2, 0)
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_after, fmt.space_before, fmt.line_spacing = Pt(space_after), Pt(0), 1.0
    fmt.keep_with_next = True
    run = p.add_run("")
    run.font.size = Pt(2)
    p_pr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    p_pr.append(border)
    # an empty paragraph still takes a line of the style's size: make it small
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "4")
    rpr.append(sz)
    p_pr.append(rpr)
    return p


def cant_split(row, header=False):
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    tr_pr.append(el)
    if header:
        el = OxmlElement("w:tblHeader")
        tr_pr.append(el)


def no_cell_margins(table, side_cm=0.1):
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(side_cm * 567)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


# Header column widths (cm). The text block is 16.5 cm (A4 less 30 + 15 mm margins).
STATE_COLS = [6.0, 10.5]   # the national title at 13 pt bold needs ~9.9 cm on one line
PARTY_COLS = [7.8, 8.7]


def _header_state(doc, subject: bool):
    table = doc.add_table(rows=2, cols=2)
    borderless(table)
    no_cell_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, STATE_COLS)
    left, right = table.rows[0].cells
    cell_para(left, "{%p if issuer_parent %}", first=True)
    cell_para(left, "{{ issuer_parent }}", size=13)
    cell_para(left, "{%p endif %}")
    cell_para(left, "{%p for line in issuer_lines %}")
    cell_para(left, "{{ line }}", bold=True, size=13)
    cell_para(left, "{%p endfor %}")
    rule(left, 2.0, STATE_COLS[0] - 0.2, space_after=4)
    cell_para(right, "{{ motto_top }}", first=True, bold=True, size=13)
    cell_para(right, "{{ motto_sub }}", bold=True, size=14, underline=True, space_after=4)
    left, right = table.rows[1].cells
    cell_para(left, "{{ number_line }}", first=True, size=13)
    if subject:
        cell_para(left, "{{ subject_line }}", size=12, space_before=2)
    cell_para(right, "{{ place_date }}", first=True, italic=True, size=14)
    for row in table.rows:
        cant_split(row)


def _header_party(doc, subject: bool):
    table = doc.add_table(rows=2, cols=2)
    borderless(table)
    no_cell_margins(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, PARTY_COLS)
    left, right = table.rows[0].cells
    cell_para(left, "{%p if issuer_parent %}", first=True)
    cell_para(left, "{{ issuer_parent }}", size=14)
    cell_para(left, "{%p endif %}")
    cell_para(left, "{%p for line in issuer_lines %}")
    cell_para(left, "{{ line }}", bold=True, size=14)
    cell_para(left, "{%p endfor %}")
    cell_para(left, "*", size=14, space_after=2)
    cell_para(right, "{{ motto_top }}", first=True, bold=True, size=15, underline=True)
    left, right = table.rows[1].cells
    cell_para(left, "{{ number_line }}", first=True, size=14)
    if subject:
        cell_para(left, "{{ subject_line }}", size=12, italic=True, space_before=2)
    cell_para(right, "{{ place_date }}", first=True, italic=True, size=14)
    for row in table.rows:
        cant_split(row)


def header(doc, *, numbered=True, subject=False):
    """Issuing body and number left; national title (state) or party name right; the number
    and the place-date on one level. Two variants, chosen by the style when rendering."""
    tag(doc, "{%p if draft %}")
    para(doc, "DỰ THẢO", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=0)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if party %}")
    _header_party(doc, subject)
    tag(doc, "{%p else %}")
    _header_state(doc, subject)
    tag(doc, "{%p endif %}")
    para(doc, "", space_after=0)


def title(doc, kind: str, summary: str | None = None):
    tag(doc, "{%p if party %}")
    para(doc, kind, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, keep=True)
    if summary:
        para(doc, summary, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, keep=True)
    para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6, keep=True)
    tag(doc, "{%p else %}")
    para(doc, kind, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, keep=True)
    if summary:
        para(doc, summary, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, keep=True)
    rule(doc, 3.5, 16.5, space_after=10)
    tag(doc, "{%p endif %}")


def addressee(doc, text: str):
    p = para(doc, text, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6, keep=True)
    return p


def signature(doc, *, recipients=True, left_lines=None, left_name=None):
    """The signature block, kept whole (a row that cannot split) and kept with the body text
    before it, so it is never alone on a page."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    para(doc, "", space_after=0, keep=True)
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    no_cell_margins(table)
    left, right = table.rows[0].cells
    set_widths(table, [7.3, 9.2])
    cant_split(table.rows[0])
    if recipients:
        cell_para(left, "{%p if party %}", first=True)
        cell_para(left, "Nơi nhận:", size=14, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_para(left, "{%p for r in recipients %}")
        cell_para(left, "- {{ r }}", size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_para(left, "{%p endfor %}")
        cell_para(left, "{%p else %}")
        cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_para(left, "{%p for r in recipients %}")
        cell_para(left, "- {{ r }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_para(left, "{%p endfor %}")
        cell_para(left, "{%p endif %}")
    elif left_lines:
        cell_para(left, "{%p for line in " + left_lines + " %}", first=True)
        cell_para(left, "{{ line }}", bold=True, size=14)
        cell_para(left, "{%p endfor %}")
        for _ in range(4):
            cell_para(left, "", size=14)
        cell_para(left, "{{ " + left_name + " }}", bold=True, size=14)
    cell_para(right, "{%p for line in signer_lines %}", first=True)
    cell_para(right, "{{ line }}", bold=True, size=14)
    cell_para(right, "{%p endfor %}")
    for _ in range(4):
        cell_para(right, "", size=14)
    cell_para(right, "{{ signer_name }}", bold=True, size=14, keep=False)


def grid(doc, headers: list[str], cells: list[str], loop: str, widths: list[float], size=12, center=(0,)):
    """A table whose middle row repeats for each item ({%tr for … %}); the heading row repeats
    on every page and no row splits across pages."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(headers):
        c = table.rows[0].cells[i]
        cell_para(c, text, first=True, bold=True, size=size, keep=False)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for i, text in enumerate(cells):
        c = table.rows[2].cells[i]
        cell_para(c, text, first=True, size=size, keep=False,
                  align=WD_ALIGN_PARAGRAPH.CENTER if i in center else WD_ALIGN_PARAGRAPH.LEFT)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    cant_split(table.rows[0], header=True)
    cant_split(table.rows[2])
    set_widths(table, widths)
    para(doc, "", space_after=0)
    return table


def page_numbers(doc):
    """Page number at the top centre from page 2 on (the first page has an empty header)."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size = Pt(14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)


def page_break(doc):
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


# -- the kinds -------------------------------------------------------------------------

def plan():
    doc = new_document()
    page_numbers(doc)
    header(doc)
    title(doc, "KẾ HOẠCH", "{{ title }}")
    body(doc, "Căn cứ {{ legal_basis }}; {{ unit_name }} xây dựng kế hoạch tổ chức tiếp xúc, đối thoại trực tiếp "
              "giữa người đứng đầu cấp ủy, chính quyền với Nhân dân {{ commune }} như sau:")
    heading(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    heading(doc, "1. Mục đích")
    body(doc, "- Tuyên truyền, phổ biến chủ trương của Đảng, chính sách, pháp luật của Nhà nước; thông tin những "
              "thuận lợi, khó khăn, kết quả lãnh đạo, chỉ đạo, điều hành liên quan đến nội dung tiếp xúc, đối thoại; "
              "củng cố mối quan hệ mật thiết giữa cấp ủy, chính quyền với Nhân dân.")
    body(doc, "- Lắng nghe tâm tư, nguyện vọng, ý kiến, kiến nghị của Nhân dân; phát huy quyền làm chủ và vai trò "
              "giám sát của Nhân dân; kịp thời phát hiện những vấn đề vướng mắc, phát sinh để chỉ đạo giải quyết.")
    body(doc, "- Phát huy vai trò giám sát, phản biện xã hội của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội.")
    heading(doc, "2. Yêu cầu")
    body(doc, "- Việc tiếp xúc, đối thoại phải đúng quy định của pháp luật; bảo đảm kịp thời, dân chủ, công khai, "
              "minh bạch, khách quan, hiệu quả, tránh hình thức.")
    body(doc, "- Thủ trưởng các cơ quan, đơn vị được giao trả lời ý kiến, kiến nghị của Nhân dân cần nghiên cứu, "
              "trả lời đúng trọng tâm, ngắn gọn, dễ hiểu, bảo đảm đúng quy định.")
    heading(doc, "II. NỘI DUNG")
    heading(doc, "1. Người thực hiện đối thoại")
    body(doc, "Người chủ trì: {{ chair }}.")
    body(doc, "Thành phần tham dự: {{ participants }}.")
    heading(doc, "2. Nội dung tiếp xúc, đối thoại")
    body(doc, "Thông báo khái quát tình hình kinh tế - xã hội, chủ trương, chính sách và những vấn đề liên quan đến "
              "địa bàn mà Nhân dân quan tâm; nghe ý kiến, kiến nghị, phản ánh của Nhân dân; trực tiếp giải đáp và "
              "chỉ đạo giải quyết những kiến nghị cụ thể.")
    heading(doc, "3. Hình thức, thời gian, địa điểm")
    body(doc, "- Hình thức: trao đổi, đối thoại trực tiếp với đại diện Nhân dân {{ commune }}.")
    body(doc, "- Thời gian: {{ session_time }}, {{ session_date_long }}.")
    body(doc, "- Địa điểm: {{ location }}.")
    heading(doc, "4. Trình tự tiếp xúc, đối thoại")
    heading(doc, "4.1. Trước khi tiếp xúc, đối thoại")
    body(doc, "Thu thập ý kiến, kiến nghị của Nhân dân qua phiếu đăng ký, Ủy ban MTTQ Việt Nam, các đoàn thể "
              "chính trị - xã hội, đại biểu dân cử và các phương tiện thông tin; phân loại theo lĩnh vực, mức độ "
              "cấp thiết và giao các cơ quan, đơn vị chuẩn bị nội dung trả lời.")
    body(doc, "Thông báo công khai hoặc gửi giấy mời kèm phiếu đăng ký nội dung phát biểu chậm nhất ngày "
              "{{ notice_by }} ({{ notice_rule }} trước ngày tiếp xúc, đối thoại).")
    heading(doc, "4.2. Chương trình tiếp xúc, đối thoại")
    body(doc, "- Tuyên bố lý do, giới thiệu thành phần tham dự; người chủ trì quán triệt nội dung, phương pháp.")
    body(doc, "- Công dân phát biểu theo thứ tự đã đăng ký và theo sự điều hành của người chủ trì; lãnh đạo các "
              "cơ quan, đơn vị được phân công trả lời, giải thích.")
    body(doc, "- Người chủ trì kết luận; những nội dung chưa được giải quyết giao cơ quan, đơn vị trả lời bằng văn "
              "bản. Tổ thư ký lập biên bản.")
    heading(doc, "4.3. Sau khi tiếp xúc, đối thoại")
    body(doc, "Chậm nhất ngày {{ review_by }} ({{ review_rule }} sau hội nghị): đánh giá rút kinh nghiệm, thông báo "
              "kết luận của người chủ trì; chuyển cơ quan có thẩm quyền các kiến nghị thuộc thẩm quyền của cơ quan đó "
              "và thông báo cho người kiến nghị, gửi Mặt trận Tổ quốc, các tổ chức chính trị - xã hội giám sát; "
              "trình cấp trên các vấn đề vượt thẩm quyền.")
    body(doc, "Các cơ quan được phân công trả lời bằng văn bản chậm nhất ngày {{ answer_due }} ({{ answer_rule }} sau "
              "hội nghị); vụ việc phức tạp chậm nhất ngày {{ complex_answer_due }} ({{ complex_answer_rule }}).")
    heading(doc, "III. TỔ CHỨC THỰC HIỆN")
    body(doc, "{{ office }} chủ trì, phối hợp với Ủy ban MTTQ Việt Nam và các cơ quan, đơn vị liên quan chuẩn bị "
              "nội dung, điều kiện tổ chức hội nghị; theo dõi, đôn đốc việc giải quyết các kiến nghị; tham mưu báo "
              "cáo kết quả và lưu trữ hồ sơ tiếp xúc, đối thoại.")
    body(doc, "Thủ trưởng các cơ quan, đơn vị chuẩn bị nội dung, tham dự hội nghị và trả lời kiến nghị của Nhân dân "
              "theo chức năng, nhiệm vụ được phân công. Chính quyền {{ commune }} bảo đảm an ninh, trật tự cho "
              "hội nghị và phối hợp thực hiện kế hoạch này./.")
    signature(doc)
    return doc


def invitation():
    doc = new_document()
    tag(doc, "{%p for inv in invitees %}")
    header(doc)
    title(doc, "GIẤY MỜI", "Dự hội nghị {{ title_lower }}")
    para(doc, "{{ unit_name }} trân trọng kính mời: {{ inv }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "Tới dự hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân {{ commune }}.")
    body(doc, "Thời gian: {{ session_time }}, {{ session_date_long }}.")
    body(doc, "Địa điểm: {{ location }}.")
    body(doc, "Người chủ trì: {{ chair }}.")
    body(doc, "Đề nghị công dân có ý kiến, kiến nghị điền vào phiếu đăng ký nội dung phát biểu gửi kèm giấy mời này "
              "và gửi về {{ office }} trước ngày hội nghị để được tổng hợp, bố trí phát biểu theo thứ tự đăng ký.")
    body(doc, "Rất mong được đón tiếp./.")
    signature(doc)
    tag(doc, "{%p if not loop.last %}")
    page_break(doc)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    return doc


def form():
    doc = new_document()
    para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    title(doc, "PHIẾU ĐĂNG KÝ NỘI DUNG PHÁT BIỂU", "Tại hội nghị {{ title_lower }}")
    para(doc, "({{ session_time }}, {{ session_date_long }}, tại {{ location }})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    for label, value in [("Số phiếu:", "{{ form_no }}"), ("Họ và tên:", "…………………………………………"),
                         ("Địa chỉ (thôn, bản):", "…………………………………………"), ("Số điện thoại:", "…………………………………………"),
                         ("Lĩnh vực:", "…………………………………………"),
                         ("Nội dung đăng ký phát biểu:", "……………………………………………………………\n"
                          "……………………………………………………………\n……………………………………………………………"),
                         ("Đăng ký phát biểu tại hội nghị:", "Có ☐     Không ☐")]:
        row = table.add_row()
        cant_split(row)
        cell_para(row.cells[0], label, first=True, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, keep=False)
        cell_para(row.cells[1], value, first=True, align=WD_ALIGN_PARAGRAPH.LEFT, keep=False)
    set_widths(table, [5.5, 11.0])
    para(doc, "")
    body(doc, "Ghi chú: mỗi phiếu ghi một nội dung; nộp phiếu cho {{ office }} trước ngày hội nghị. Thông tin cá "
              "nhân trên phiếu chỉ dùng để trả lời kiến nghị và được bảo vệ theo Nghị định 13/2023/NĐ-CP.")
    para(doc, "{{ commune_place }}, ngày …… tháng …… năm {{ year }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    para(doc, "Người đăng ký", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    para(doc, "(Ký, ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def minutes():
    doc = new_document()
    page_numbers(doc)
    header(doc)
    title(doc, "BIÊN BẢN", "{{ title }}")
    body(doc, "Hôm nay, vào hồi {{ session_time }}, {{ minutes_date }}, tại {{ location }}, {{ unit_name }} tổ chức "
              "hội nghị {{ title_lower }}.")
    heading(doc, "I. THÀNH PHẦN")
    body(doc, "- Chủ trì: {{ chair }}.")
    body(doc, "- Thư ký: {{ secretary }}.")
    tag(doc, "{%p if officials %}")
    body(doc, "- Đại biểu dự:")
    tag(doc, "{%p for o in officials %}")
    body(doc, "+ {{ o }}{% if loop.last %}.{% else %};{% endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    body(doc, "- Công dân dự: {% if citizens %}{{ citizens }} người{% else %}đại diện Nhân dân {{ commune }}{% endif %}.")
    heading(doc, "II. Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN VÀ NỘI DUNG TRẢ LỜI")
    body(doc, "Có {{ speakers|length }} lượt ý kiến phát biểu theo thứ tự đăng ký{% if raised %}, trong đó {{ raised }} ý "
              "kiến nêu tại hội nghị không đăng ký trước{% endif %}:")
    tag(doc, "{%p for s in speakers %}")
    body(doc, "{{ s.order }}. {{ s.name }}{% if s.address %} ({{ s.address }}){% endif %}{% if s.raised %} (nêu tại hội "
              "nghị, không đăng ký trước){% endif %}: {{ s.content }}")
    body(doc, "Trả lời{% if s.answered_by %} ({{ s.answered_by }}){% endif %}: {{ s.answer }}")
    tag(doc, "{%p if s.conclusion %}")
    body(doc, "Kết luận của người chủ trì: {{ s.conclusion }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    heading(doc, "III. KẾT LUẬN CỦA NGƯỜI CHỦ TRÌ")
    body(doc, "{{ session_conclusion }}")
    body(doc, "Hội nghị kết thúc lúc {{ end_time }} cùng ngày. Biên bản đã được thông qua tại hội nghị./.")
    signature(doc, recipients=False, left_lines="left_lines", left_name="left_name")
    return doc


def conclusions():
    doc = new_document()
    page_numbers(doc)
    header(doc)
    title(doc, "THÔNG BÁO", "Kết luận của người chủ trì tại hội nghị {{ title_lower }}")
    body(doc, "Ngày {{ session_date }}, tại {{ location }}, {{ chair }} đã chủ trì hội nghị tiếp xúc, đối thoại trực "
              "tiếp với Nhân dân {{ commune }}. Hội nghị đã nghe {{ petitions|length }} ý kiến, kiến nghị của Nhân dân.")
    body(doc, "{{ session_conclusion }}")
    body(doc, "Kết luận đối với từng kiến nghị như sau:")
    tag(doc, "{%p for p in petitions %}")
    para(doc, "{{ loop.index }}. Kiến nghị của {{ p.who }}{% if p.where %} ({{ p.where }}){% endif %}: {{ p.content }}",
         indent=True, keep=True)
    body(doc, "Kết luận: {{ p.conclusion }}")
    tag(doc, "{%p if p.agency %}")
    body(doc, "{% if p.due_on %}Cơ quan chủ trì{% else %}Cơ quan giải quyết{% endif %}: {{ p.agency }}"
              "{% if p.support %}; cơ quan phối hợp: {{ p.support }}{% endif %}"
              "{% if p.due_on %}; thời hạn trả lời: {{ p.due_on }}{% endif %}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    body(doc, "Các cơ quan, đơn vị được giao trả lời bằng văn bản cho người kiến nghị trong thời hạn trên, đồng thời "
              "báo cáo kết quả về {{ office }} để tổng hợp, báo cáo./.")
    signature(doc)
    return doc


def report():
    doc = new_document()
    page_numbers(doc)
    header(doc)
    title(doc, "BÁO CÁO", "Kết quả hội nghị {{ title_lower }}")
    heading(doc, "I. CÔNG TÁC TỔ CHỨC")
    body(doc, "Thực hiện kế hoạch, ngày {{ session_date }} tại {{ location }}, {{ chair }} đã chủ trì hội nghị tiếp xúc, "
              "đối thoại trực tiếp với Nhân dân {{ commune }}. Giấy mời được gửi {{ notice_text }}.")
    heading(doc, "II. KẾT QUẢ")
    body(doc, "Tổng số ý kiến, kiến nghị: {{ stats.total }}, trong đó: trả lời, giải quyết xong tại hội nghị "
              "{{ stats.resolved_at_meeting }}; giao cơ quan trả lời bằng văn bản {{ stats.assigned }}; đã trả lời bằng "
              "văn bản {{ stats.answered }} (đúng hạn {{ stats.on_time }}, quá hạn {{ stats.late }}); chưa trả lời "
              "{{ stats.pending }} (trong đó quá hạn {{ stats.overdue }}); chuyển cơ quan có thẩm quyền "
              "{{ stats.transferred }}; trình cấp trên {{ stats.escalated }}.")
    body(doc, "Danh mục kiến nghị và kết quả giải quyết tại Phụ lục kèm theo.")
    heading(doc, "III. ĐÁNH GIÁ")
    body(doc, "{{ assessment }}")
    body(doc, "Trên đây là báo cáo kết quả hội nghị {{ title_lower }}./.")
    signature(doc)
    page_break(doc)
    para(doc, "PHỤ LỤC", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0, keep=True)
    para(doc, "DANH MỤC KIẾN NGHỊ VÀ KẾT QUẢ GIẢI QUYẾT", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER,
         space_after=0, keep=True)
    para(doc, "{{ appendix_ref }}", italic=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6, keep=True)
    grid(doc, ["STT", "Người kiến nghị", "Nội dung", "Cơ quan chủ trì, giải quyết", "Hạn trả lời", "Kết quả"],
         ["{{ loop.index }}", "{{ p.name }}", "{{ p.content }}", "{{ p.agency }}", "{{ p.due_on }}", "{{ p.result }}"],
         "p in petitions", [1.2, 2.6, 5.5, 2.8, 2.0, 2.4], size=11, center=(0, 4))
    return doc


def reminder():
    doc = new_document()
    page_numbers(doc)
    header(doc, subject=True)
    addressee(doc, "Kính gửi: {{ addressee }}")
    tag(doc, "{%p if earlier %}")
    body(doc, "{{ unit_name }} đã có văn bản đôn đốc {{ earlier }} về việc trả lời kiến nghị của công dân.")
    tag(doc, "{%p endif %}")
    body(doc, "Theo dõi việc giải quyết kiến nghị của Nhân dân sau các hội nghị tiếp xúc, đối thoại, đến ngày "
              "{{ as_of }} {{ agency_name }} còn {{ petitions|length }} kiến nghị được giao chủ trì đã quá thời hạn "
              "trả lời bằng văn bản, cụ thể:")
    grid(doc, ["STT", "Người kiến nghị", "Nội dung kiến nghị", "Hội nghị", "Hạn trả lời", "Quá hạn (ngày LV)"],
         ["{{ loop.index }}", "{{ p.petitioner }}{% if p.address %}, {{ p.address }}{% endif %}", "{{ p.content }}",
          "{{ p.session }}", "{{ p.due_on }}", "{{ p.days_overdue }}"],
         "p in petitions", [1.3, 3.1, 4.9, 3.0, 2.2, 2.0], size=11, center=(0, 4, 5))
    para(doc, "Ghi chú: ngày LV là ngày làm việc, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết.", italic=True,
         size=12, indent=True)
    body(doc, "{{ request }}")
    body(doc, "{{ unit_name }} đề nghị {{ agency_name }} quan tâm thực hiện./.")
    signature(doc)
    return doc


def letter(kind_subject=True):
    """A letter (công văn) about one petition: transfer or escalation."""
    doc = new_document()
    page_numbers(doc)
    header(doc, subject=True)
    addressee(doc, "Kính gửi: {{ addressee }}")
    return doc


def transfer():
    doc = letter()
    body(doc, "Tại hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân {{ commune }} ngày {{ session_date }}, "
              "{{ petitioner }} ({{ address }}) có kiến nghị: \u201c{{ content }}\u201d.")
    body(doc, "Nội dung kiến nghị thuộc thẩm quyền giải quyết của {{ to_body }}. {{ unit_name }} chuyển kiến nghị "
              "để quý cơ quan xem xét, giải quyết theo quy định và trả lời cho công dân, đồng thời thông báo kết quả "
              "về {{ office }}./.")
    signature(doc)
    return doc


def escalation():
    doc = letter()
    tag(doc, "{%p for text in paragraphs %}")
    body(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    signature(doc)
    return doc


def notice():
    doc = new_document()
    page_numbers(doc)
    header(doc)
    title(doc, "{{ notice_title }}", "{{ notice_subject }}")
    addressee(doc, "Kính gửi: {{ addressee }}")
    tag(doc, "{%p for text in paragraphs %}")
    body(doc, "{{ text }}")
    tag(doc, "{%p endfor %}")
    signature(doc)
    return doc


KINDS = {"plan": plan, "invitation": invitation, "form": form, "minutes": minutes,
         "conclusions": conclusions, "report": report, "reminder": reminder, "transfer": transfer,
         "escalation": escalation, "notice": notice}

if __name__ == "__main__":
    for name, build in KINDS.items():
        build().save(HERE / f"{name}.docx")
        print(HERE / f"{name}.docx")
