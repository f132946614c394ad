"""Codes and their Vietnamese labels: what a clerk types (a code or a label, with or without
diacritics: "assigned", "Đã giao", "da giao", "khẩn") read back as the stored code.

The one lookup for every vocabulary (petition statuses, sources, urgencies, session statuses);
the labels themselves live with the module that owns each vocabulary.
"""

from __future__ import annotations

from doithoai.errors import DoithoaiError
from doithoai.text import slug


def code_for(value: str, labels: dict[str, str], what: str, synonyms: dict[str, str] | None = None) -> str:
    """The code `value` names, by code or by label; a DoithoaiError listing both when none."""
    key = slug(value)
    for code, label in labels.items():
        if key in (slug(code), slug(label)):
            return code
    if synonyms and key in synonyms:
        return synonyms[key]
    # the start of a label, word by word ("Đã hủy" for "Đã hủy (không tổ chức)"), when only one label starts so
    starts = [code for code, label in labels.items() if key and (slug(label) + "-").startswith(key + "-")]
    if len(starts) == 1:
        return starts[0]
    raise DoithoaiError(f"{what} '{value}' không hợp lệ.",
                        "Chọn một trong: " + ", ".join(f"{code} ({label})" for code, label in labels.items()) + ".")


# -- a petition's source and urgency: the intake path, petitions, corrections and reports read
# them here (a leaf below intake and petitions, so neither imports the other for its words)

SOURCES = {
    "phieu-dang-ky": "Phiếu đăng ký",
    "mttq": "MTTQ",
    "doan-the": "Đoàn thể",
    "dai-bieu": "Đại biểu dân cử",
    "thong-tin": "Phương tiện thông tin",
    "tai-hoi-nghi": "Tại hội nghị",
}
_SOURCE_SYNONYMS = {
    "phieu": "phieu-dang-ky", "mat-tran": "mttq", "uy-ban-mttq": "mttq", "doan-the-chinh-tri-xa-hoi": "doan-the",
    "dai-bieu-dan-cu": "dai-bieu", "dbdc": "dai-bieu", "phuong-tien-thong-tin": "thong-tin", "bao-chi": "thong-tin",
    "hoi-nghi": "tai-hoi-nghi",
}
URGENCIES = {"thuong": "Thường", "cap-thiet": "Cấp thiết", "khan": "Khẩn"}


def parse_source(value: str | None) -> str:
    return code_for(value, SOURCES, "Nguồn", _SOURCE_SYNONYMS) if value else "phieu-dang-ky"


def parse_urgency(value: str | None) -> str:
    return code_for(value, URGENCIES, "Mức độ") if value else "thuong"


# -- what was done on a petition (table actions, kind): its history, the dossier

ACTION_LABELS = {
    "answer_meeting": "Trả lời tại hội nghị",
    "answer_written": "Trả lời bằng văn bản",
    "transfer": "Chuyển cơ quan có thẩm quyền",
    "escalate": "Trình cấp trên",
    "verify": "Kiểm tra, xác minh",
    "notify_petitioner": "Đã thông báo cho người kiến nghị",
    "notify_mttq": "Đã gửi MTTQ, đoàn thể giám sát",
    "close": "Đóng",
    "reopen": "Mở lại",
    "answer_interim": "Trả lời tạm thời (đang xử lý)",
    "withdraw": "Rút kiến nghị",
    "restore": "Khôi phục kiến nghị đã rút",
    "merge": "Gộp vào kiến nghị trùng",
    "unmerge": "Tách khỏi kiến nghị đã gộp",
}
