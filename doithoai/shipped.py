"""Official civil-service day swaps that the installed `holidays` release lacks, shipped as data.

`since` is the shipped-data version that added the entry: on open, entries newer than the
version a database has seen are inserted once, so a clerk's `calendar remove` of a shipped
day is never undone by a later start.
"""

import datetime as dt

SHIPPED_VERSION = 1

# (date, kind, reason, source, since)
OVERRIDES = [
    (dt.date(2026, 1, 2), "off", "Nghỉ Tết Dương lịch 2026 (hoán đổi)",
     "Công văn 12729/VPCP-KGVX", 1),
    (dt.date(2026, 1, 10), "work", "Làm bù cho ngày 02/01/2026",
     "Công văn 12729/VPCP-KGVX", 1),
]

# Years whose holidays and swaps have been checked against the government's announcements
# (Tết, 30/4–1/5, 2/9 and any hoán đổi). `calendar check` warns about the others.
CONFIRMED_YEARS = {
    2023: "Lịch nghỉ lễ, Tết năm 2023 của cán bộ, công chức, viên chức (đã đối chiếu)",
    2024: "Lịch nghỉ lễ, Tết năm 2024 của cán bộ, công chức, viên chức (đã đối chiếu)",
    2025: "Lịch nghỉ lễ, Tết năm 2025 của cán bộ, công chức, viên chức (đã đối chiếu)",
    2026: "Lịch nghỉ lễ, Tết năm 2026; Công văn 12729/VPCP-KGVX (đã đối chiếu)",
}

DEFAULT_FIELDS = [
    ("dat-dai", "Đất đai", ""),
    ("thu-hoi-dat", "Thu hồi đất, bồi thường, GPMB", "gpmb,giai phong mat bang,boi thuong,thu hoi dat"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội", "csxh,ldtbxh,lđ-tb&xh,chinh sach"),
    ("cai-cach-hanh-chinh", "Cải cách hành chính", "cchc,thu tuc hanh chinh"),
    ("giao-thong-ha-tang", "Giao thông, hạ tầng", "giao thong,ha tang,xay dung"),
    ("dien-nuoc", "Điện, nước sinh hoạt", "dien,nuoc,nuoc sinh hoat"),
    ("nong-lam-nghiep", "Nông nghiệp, lâm nghiệp", "nong nghiep,lam nghiep,nn&ptnt,nnptnt"),
    ("giao-duc", "Giáo dục", "gd&dt,gddt,truong hoc"),
    ("y-te", "Y tế", "bhyt,bao hiem y te"),
    ("van-hoa-xa-hoi", "Văn hóa, xã hội", "van hoa"),
    ("an-ninh-trat-tu", "An ninh, trật tự", "an ninh,trat tu,antt"),
    ("khac", "Khác", ""),
]
