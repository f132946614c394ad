"""Column headers and form labels → petition fields, by documented Vietnamese synonyms.

Matching is case- and diacritic-insensitive (the keys below are folded). `--map
"Header=field"` adds to or overrides them. README.md lists them for clerks.
"""

from __future__ import annotations

from doithoai.text import fold

FIELDS = {
    "name": "Họ và tên",
    "address": "Địa chỉ",
    "phone": "Số điện thoại",
    "content": "Nội dung",
    "field": "Lĩnh vực",
    "agency": "Cơ quan đề nghị trả lời",
    "form_no": "Số phiếu",
    "registered_on": "Ngày đăng ký",
    "source": "Nguồn",
    "speak": "Đăng ký phát biểu",
    "order": "Thứ tự phát biểu",
    "urgency": "Mức độ",
    "organisation": "Tổ chức",
    "skip": "(bỏ qua)",
}
REQUIRED = ("name", "content")

SYNONYMS: dict[str, str] = {}
for _field, _names in {
    "name": ["ho va ten", "ho ten", "nguoi kien nghi", "ten nguoi kien nghi", "ho ten nguoi kien nghi",
             "ho va ten nguoi kien nghi", "ho va ten nguoi dang ky", "nguoi dang ky", "cong dan",
             "to chuc, ca nhan kien nghi", "ten to chuc, ca nhan", "ca nhan, to chuc kien nghi",
             "nguoi, noi kien nghi", "petitioner", "name"],
    "address": ["thon, ban", "thon/ban", "thon ban", "thon", "ban", "dia chi", "dia chi (thon, ban)",
                "noi cu tru", "noi o", "address"],
    "phone": ["so dien thoai", "sdt", "so dt", "dien thoai", "dt", "phone"],
    "content": ["noi dung", "noi dung y kien, kien nghi", "noi dung kien nghi", "noi dung kien nghi, phan anh",
                "noi dung phan anh, kien nghi", "y kien, kien nghi", "noi dung y kien", "noi dung dang ky phat bieu",
                "noi dung dang ky", "noi dung phat bieu", "content"],
    "field": ["linh vuc", "nhom linh vuc", "field"],
    "agency": ["co quan de nghi tra loi", "co quan giai quyet", "co quan tra loi", "de nghi co quan tra loi",
               "co quan chu tri", "co quan, don vi tra loi", "proposed_agency", "lead_agency"],
    "form_no": ["so phieu", "phieu so", "ma phieu", "form_no"],
    "registered_on": ["ngay dang ky", "ngay nhan", "ngay tiep nhan", "registered_on"],
    "source": ["nguon", "nguon tiep nhan", "source"],
    "speak": ["dang ky phat bieu", "phat bieu", "co phat bieu", "speak"],
    "order": ["thu tu phat bieu", "tt phat bieu", "speak_order"],
    "urgency": ["muc do", "muc do cap thiet", "urgency"],
    "organisation": ["la to chuc", "is_organisation"],
    "skip": ["stt", "tt", "so tt", "so thu tu", "id", "session", "status", "due_on", "days_overdue", "ghi chu"],
}.items():
    for _name in _names:
        SYNONYMS[_name] = _field


def header_key(value) -> str:
    return fold(value).strip(" :*.")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def label_field(label) -> str | None:
    """A form's label ("Họ và tên người đăng ký:", "Địa chỉ (thôn, bản)") → field, by exact
    synonym or, for the longer synonyms, by prefix."""
    key = header_key(label)
    if not key:
        return None
    if key in SYNONYMS and SYNONYMS[key] != "skip":
        return SYNONYMS[key]
    best = None
    for synonym, field in SYNONYMS.items():
        if field == "skip" or len(synonym) < 5:
            continue
        if key.startswith(synonym) and (best is None or len(synonym) > len(best[0])):
            best = (synonym, field)
    return best[1] if best else None
