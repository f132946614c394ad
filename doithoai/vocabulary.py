"""The words of a petition's record: where it came from (source) and how urgent it is.

A leaf module: the intake path, petitions, corrections and reports read it; it reads only
`text` and `errors`."""

from __future__ import annotations

from doithoai.errors import DoithoaiError
from doithoai.text import slug

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
    if not value:
        return "phieu-dang-ky"
    key = slug(value)
    key = _SOURCE_SYNONYMS.get(key, key)
    if key in SOURCES:
        return key
    for code, label in SOURCES.items():
        if slug(label) == key:
            return code
    raise DoithoaiError(
        f"Nguồn '{value}' không hợp lệ.",
        "Chọn một trong: " + ", ".join(f"{k} ({v})" for k, v in SOURCES.items()) + ".",
    )


def parse_urgency(value: str | None) -> str:
    key = slug(value or "thuong")
    if key in URGENCIES:
        return key
    raise DoithoaiError(f"Mức độ '{value}' không hợp lệ.", "Chọn thuong, cap-thiet hoặc khan.")
