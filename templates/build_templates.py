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
    return p


def header(doc, *, numbered=True, subject=False):
    """Issuer and number left; motto (state) or party name right; the place-date line."""
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    set_widths(table, [6.5, 9.5])
    cell_para(left, "{{ issuer_parent }}", first=True, size=13)
    cell_para(left, "{{ issuer }}", bold=True, size=13)
    cell_para(left, "{{ issuer_mark }}", size=13)
    if numbered:
        cell_para(left, "{{ number_line }}", size=13, space_after=2)
    if subject:
        cell_para(left, "{{ subject_line }}", size=12)
    cell_para(right, "{{r motto_top }}", first=True)
    cell_para(right, "{{r motto_sub }}")
    cell_para(right, "")
    cell_para(right, "{{ place_date }}", italic=True, size=14)
    para(doc, "", space_after=6)


def title(doc, kind: str, summary: str | None = None):
    para(doc, kind, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    if summary:
        para(doc, summary, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, "-----", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)


def signature(doc, *, recipients=True, left_title=None, left_name=None):
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    left, right = table.rows[0].cells
    set_widths(table, [7.5, 8.5])
    if recipients:
        cell_para(left, "{{r recipients_label }}", first=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        left.add_paragraph("{%p for r in recipients %}")
        cell_para(left, "- {{ r }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        left.add_paragraph("{%p endfor %}")
    elif left_title:
        cell_para(left, left_title, first=True, bold=True, size=14)
        for _ in range(3):
            cell_para(left, "")
        cell_para(left, left_name or "", bold=True, size=14)
    cell_para(right, "{{ sign_on_behalf }}", first=True, bold=True, size=14)
    cell_para(right, "{{ signer_title }}", bold=True, size=14)
    for _ in range(3):
        cell_para(right, "")
    cell_para(right, "{{ signer_name }}", bold=True, size=14)


def grid(doc, headers: list[str], cells: list[str], loop: str, widths: list[float]):
    """A table whose middle row repeats for each item ({%tr for … %})."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    for i, text in enumerate(headers):
        c = table.rows[0].cells[i]
        cell_para(c, text, first=True, bold=True, size=12)
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for i, text in enumerate(cells):
        c = table.rows[2].cells[i]
        cell_para(c, text, first=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT if i else WD_ALIGN_PARAGRAPH.CENTER)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    set_widths(table, widths)
    para(doc, "", space_after=6)
    return table


def page_break(doc):
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)


# -- the kinds -------------------------------------------------------------------------

def plan():
    doc = new_document()
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
    body(doc, "Người chủ trì: {{ chair }}. Thành phần tham dự: {{ participants }}.")
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
    title(doc, "GIẤY MỜI")
    para(doc, "{{ unit_name }} trân trọng kính mời: {{ inv }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "Tới dự hội nghị {{ title_lower }}.")
    body(doc, "Thời gian: {{ session_time }}, {{ session_date_long }}.")
    body(doc, "Địa điểm: {{ location }}.")
    body(doc, "Người chủ trì: {{ chair }}.")
    body(doc, "Đề nghị công dân có ý kiến, kiến nghị điền vào phiếu đăng ký nội dung phát biểu gửi kèm giấy mời này "
              "và gửi về {{ office }} hoặc UBND {{ commune }} trước ngày hội nghị để được tổng hợp, bố trí phát biểu "
              "theo thứ tự đăng ký.")
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
                         ("Nội dung đăng ký phát biểu:", "……………………………………………………………………………………………\n"
                          "……………………………………………………………………………………………\n……………………………………………………………………………………………"),
                         ("Đăng ký phát biểu tại hội nghị:", "Có ☐     Không ☐")]:
        row = table.add_row().cells
        cell_para(row[0], label, first=True, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        cell_para(row[1], value, first=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    set_widths(table, [5.5, 10.5])
    para(doc, "")
    body(doc, "Ghi chú: mỗi phiếu ghi một nội dung; nộp phiếu cho {{ office }} hoặc UBND {{ commune }} trước ngày "
              "hội nghị. Thông tin cá nhân trên phiếu chỉ dùng để trả lời kiến nghị và được bảo vệ theo Nghị định "
              "13/2023/NĐ-CP.")
    para(doc, "{{ commune_place }}, ngày …… tháng …… năm {{ year }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "Người đăng ký", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "(Ký, ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def minutes():
    doc = new_document()
    header(doc)
    title(doc, "BIÊN BẢN", "{{ title }}")
    body(doc, "Thời gian bắt đầu: {{ session_time }}, {{ session_date_long }}.")
    body(doc, "Địa điểm: {{ location }}.")
    body(doc, "Chủ trì: {{ chair }}. Thư ký: {{ secretary }}.")
    body(doc, "Thành phần tham dự: {{ participants }}.")
    heading(doc, "I. Ý KIẾN, KIẾN NGHỊ CỦA NHÂN DÂN VÀ NỘI DUNG TRẢ LỜI")
    body(doc, "Có {{ speakers|length }} lượt ý kiến phát biểu theo thứ tự đăng ký:")
    tag(doc, "{%p for s in speakers %}")
    body(doc, "{{ s.order }}. {{ s.name }} ({{ s.address }}): {{ s.content }}")
    body(doc, "Trả lời: {{ s.answer }}")
    tag(doc, "{%p if s.conclusion %}")
    body(doc, "Kết luận của người chủ trì: {{ s.conclusion }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    heading(doc, "II. KẾT LUẬN CỦA NGƯỜI CHỦ TRÌ")
    body(doc, "{{ session_conclusion }}")
    body(doc, "Hội nghị kết thúc lúc {{ end_time }} cùng ngày. Biên bản đã được thông qua tại hội nghị./.")
    signature(doc, recipients=False, left_title="THƯ KÝ", left_name="{{ secretary_name }}")
    return doc


def conclusions():
    doc = new_document()
    header(doc)
    title(doc, "THÔNG BÁO", "Kết luận của người chủ trì tại hội nghị {{ title_lower }}")
    body(doc, "Ngày {{ session_date }}, tại {{ location }}, {{ chair }} đã chủ trì hội nghị tiếp xúc, đối thoại trực "
              "tiếp với Nhân dân {{ commune }}. Hội nghị đã nghe {{ petitions|length }} ý kiến, kiến nghị của Nhân dân.")
    body(doc, "{{ session_conclusion }}")
    body(doc, "Kết luận đối với từng kiến nghị và cơ quan chịu trách nhiệm như sau:")
    grid(doc, ["STT", "Nội dung kiến nghị", "Kết luận", "Cơ quan chủ trì", "Thời hạn"],
         ["{{ loop.index }}", "{{ p.content }}", "{{ p.conclusion }}", "{{ p.agency }}", "{{ p.due_on }}"],
         "p in petitions", [1.2, 5.1, 4.3, 2.8, 2.6])
    body(doc, "Các cơ quan, đơn vị được giao trả lời bằng văn bản cho người kiến nghị và UBND {{ commune }} trong thời "
              "hạn trên, đồng thời báo cáo kết quả về {{ office }} để tổng hợp./.")
    signature(doc)
    return doc


def report():
    doc = new_document()
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
    heading(doc, "III. ĐÁNH GIÁ")
    body(doc, "{{ assessment }}")
    heading(doc, "PHỤ LỤC: DANH MỤC KIẾN NGHỊ VÀ KẾT QUẢ GIẢI QUYẾT")
    grid(doc, ["STT", "Người kiến nghị", "Nội dung", "Cơ quan", "Hạn", "Kết quả"],
         ["{{ loop.index }}", "{{ p.name }}", "{{ p.content }}", "{{ p.agency }}", "{{ p.due_on }}", "{{ p.result }}"],
         "p in petitions", [1.2, 2.8, 4.8, 2.1, 2.6, 2.9])
    signature(doc)
    return doc


def reminder():
    doc = new_document()
    header(doc, subject=True)
    para(doc, "Kính gửi: {{ addressee }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "Theo dõi việc giải quyết kiến nghị của Nhân dân sau các hội nghị tiếp xúc, đối thoại, đến ngày "
              "{{ as_of }} {{ agency_name }} còn {{ petitions|length }} kiến nghị được giao chủ trì đã quá thời hạn "
              "trả lời bằng văn bản, cụ thể:")
    grid(doc, ["STT", "Số", "Nội dung kiến nghị", "Hội nghị", "Hạn trả lời", "Quá hạn (ngày LV)"],
         ["{{ loop.index }}", "{{ p.id }}", "{{ p.content }}", "{{ p.session }}", "{{ p.due_on }}", "{{ p.days_overdue }}"],
         "p in petitions", [1.3, 1.3, 5.6, 2.9, 2.6, 2.3])
    body(doc, "{{ request }}")
    signature(doc)
    return doc


def transfer():
    doc = new_document()
    header(doc, subject=True)
    para(doc, "Kính gửi: {{ to_body }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "Tại hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân {{ commune }} ngày {{ session_date }}, "
              "{{ petitioner }} ({{ address }}) có kiến nghị: \u201c{{ content }}\u201d.")
    body(doc, "Nội dung kiến nghị thuộc thẩm quyền giải quyết của {{ to_body }}. {{ unit_name }} chuyển kiến nghị "
              "để quý cơ quan xem xét, giải quyết theo quy định và trả lời cho công dân, đồng thời thông báo kết quả "
              "về {{ office }}./.")
    signature(doc)
    page_break(doc)
    header(doc)
    title(doc, "THÔNG BÁO", "Về việc chuyển kiến nghị đến cơ quan có thẩm quyền")
    para(doc, "Kính gửi: {{ petitioner }} ({{ address }})", align=WD_ALIGN_PARAGRAPH.CENTER)
    body(doc, "Kiến nghị của Ông/Bà tại hội nghị tiếp xúc, đối thoại ngày {{ session_date }} về nội dung "
              "\u201c{{ content }}\u201d thuộc thẩm quyền giải quyết của {{ to_body }}.")
    body(doc, "{{ unit_name }} đã chuyển kiến nghị đến {{ to_body }} (văn bản số {{ number }}) để xem xét, giải quyết; "
              "đồng thời gửi Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội để giám sát việc thực hiện./.")
    signature(doc)
    return doc


KINDS = {"plan": plan, "invitation": invitation, "form": form, "minutes": minutes,
         "conclusions": conclusions, "report": report, "reminder": reminder, "transfer": transfer}

if __name__ == "__main__":
    for name, build in KINDS.items():
        build().save(HERE / f"{name}.docx")
        print(HERE / f"{name}.docx")
