"""Text and value normalisation shared by every input path (CLI options and imports)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from doithoai.errors import DoithoaiError

# Every combining mark that NFD leaves (a regex substitution is twice as fast as str.translate
# here); `đ`/`Đ` are letters of their own in Unicode (no decomposition), folded by hand.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# Characters that must never enter the base: C0 controls other than tab and line breaks (ESC
# starts terminal escape sequences), DEL, C1 controls, and the bidirectional overrides and
# isolates that make text display in another order than it is stored ("Trojan source").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_HINT = "Xóa các ký tự lạ (thường do sao chép từ phần mềm khác hoặc do tệp độc hại) rồi nhập lại."


def refuse_control(text: str, what: str | None = None) -> None:
    """Raise if `text` holds a control character, naming the field and the character."""
    m = CONTROL.search(text)
    if m:
        where = what or "Giá trị"
        raise DoithoaiError(f"{where} chứa ký tự điều khiển không in được (U+{ord(m.group()):04X}, "
                            f"ở ký tự thứ {m.start() + 1}).", CONTROL_HINT)


def clean(value: object | None, what: str | None = None) -> str:
    """NFC, whitespace collapsed, stripped. None → ''. Control characters are refused (what:
    the field, named in the message)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():  # the fast path: ordinary text is printable
        refuse_control(text, what)
    return _normalise(text)


def normalise(value: object | None) -> str:
    """clean() for matching and display of text already read (headers, section titles): never
    refuses; the cell itself is checked where it becomes a value."""
    return "" if value is None else _normalise(value if isinstance(value, str) else str(value))


def _normalise(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def fold(value: object | None) -> str:
    """Diacritic- and case-insensitive form: 'Đất  đai' → 'dat dai'. For matching only, so it
    never refuses: control characters are dropped."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isprintable():
        text = CONTROL.sub("", text)
    return fold_clean(_normalise(text))


def fold_clean(text: str) -> str:
    """fold() of a string that clean() has already been through."""
    text = _MARKS.sub("", unicodedata.normalize("NFD", text).casefold())
    if "đ" in text or "ð" in text:
        text = text.replace("đ", "d").replace("ð", "d")
    if not text.isascii():  # other scripts: drop any combining mark the fast ranges missed
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text


def slug(value: object | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
)

# "ngày 06 tháng 9 năm 2023" as written under a form, matched on the folded text
LONG_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
MIN_YEAR, MAX_YEAR = 1900, 2200
EXCEL_EPOCH = dt.date(1899, 12, 30)

DATE_HINT = "Hãy viết ngày theo dạng DD/MM/YYYY (ví dụ 05/02/2026) hoặc YYYY-MM-DD (ví dụ 2026-02-05)."


def parse_date(value: object, what: str = "ngày") -> dt.date:
    """The one date reader: YYYY-MM-DD, DD/MM/YYYY, D/M/YYYY (also with '.' or '-'), "ngày 6
    tháng 9 năm 2023", an Excel serial day number, and date objects; years 1900–2200 only."""
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), what, str(value))
    if isinstance(value, dt.date):
        return _in_range(value, what, str(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 200_000:  # an Excel serial day number
            return _in_range(EXCEL_EPOCH + dt.timedelta(days=int(value)), what, str(value))
        raise DoithoaiError(f"{what}: số ngày Excel {value} không hợp lệ.", DATE_HINT)
    if isinstance(value, str) and len(value) == 10 and value[2] == "/" and value[5] == "/" \
            and value[:2].isdigit() and value[3:5].isdigit() and value[6:].isdigit() and value.isascii():
        try:  # DD/MM/YYYY, the usual
            return _in_range(dt.date(int(value[6:]), int(value[3:5]), int(value[:2])), what, value)
        except ValueError:
            pass  # reported below with the full message
    text = clean(value, what)
    patterns = list(_DATE_PATTERNS)
    if not text[:1].isdigit():
        text_fold = fold_clean(text)
        m = LONG_DATE.fullmatch(text_fold)
        if m:
            text = f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
    if not text.isascii():
        raise DoithoaiError(f"Không đọc được {what}: '{text}' (chỉ dùng chữ số 0–9).", DATE_HINT)
    for pattern, order in patterns:
        m = pattern.match(text)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups())))
            try:
                return _in_range(dt.date(parts["y"], parts["m"], parts["d"]), what, text)
            except ValueError:
                raise DoithoaiError(
                    f"{what} không tồn tại: '{text}' (tháng {parts['m']} năm {parts['y']} "
                    f"không có ngày {parts['d']}).",
                    DATE_HINT,
                ) from None
    raise DoithoaiError(f"Không đọc được {what}: '{text}'.", DATE_HINT)


def _in_range(value: dt.date, what: str, text: str) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DoithoaiError(f"{what} '{text}' nằm ngoài khoảng năm {MIN_YEAR}–{MAX_YEAR}.",
                            "Kiểm tra lại năm (thường do gõ nhầm, hoặc ô Excel không phải ngày).")
    return value


def vn_number(n: int) -> str:
    """A whole number as Vietnamese writes it: 20.000 (a comma there would read as a decimal)."""
    return f"{n:,}".replace(",", ".")


def vn_date(value: dt.date | str | None) -> str:
    """DD/MM/YYYY for tables; '' for None."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def vn_long_date(value: dt.date, place: str = "") -> str:
    """'Khoen On, ngày 05 tháng 02 năm 2026' — day < 10 and months 1–2 zero-padded (NĐ 30/2020)."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    text = f"ngày {value.day:02d} tháng {month} năm {value.year}"
    return f"{place}, {text}" if place else text


def parse_time(value: str) -> str:
    text = clean(value).lower().replace("h", ":").rstrip(":")
    m = re.match(r"^(\d{1,2})(?::(\d{2}))?$", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise DoithoaiError(f"Giờ không hợp lệ: '{value}'.", "Hãy viết giờ theo dạng HH:MM, ví dụ 08:00.")
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


_PHONE_PUNCT = {"＋": "+", "－": "-", "．": ".", "（": "(", "）": ")", "\u3000": " "}
_PHONE_JUNK = re.compile(r"[\s.\-()/]")


def normalise_phone(value: object | None) -> str:
    """Vietnamese phone numbers to their domestic form: '+84 977 123 456' → '0977123456'.

    Mobile numbers are 10 digits (0 + 3/5/7/8/9 + 8 digits); landlines 11 digits (02…).
    A 9-digit mobile number whose leading 0 a spreadsheet dropped gets it back.
    """
    text = value if isinstance(value, str) and value.isascii() and value.isdigit() else clean(value, "Số điện thoại")
    if not text:
        return ""
    if not text.isascii():  # full-width and other decimal digits become 0–9; anything else is refused
        text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else _PHONE_PUNCT.get(ch, ch) for ch in text)
        if not text.isascii():
            raise DoithoaiError(f"Số điện thoại '{value}' có ký tự không phải chữ số.",
                                "Chỉ dùng chữ số 0–9, dấu cách, dấu chấm, gạch ngang hoặc +84.")
    if text.isdigit():  # the common cases, without the general parsing below
        if len(text) == 10 and text[0] == "0" and text[1] in "35789":
            return text
        if len(text) == 9 and text[0] in "35789":
            return "0" + text  # a spreadsheet dropped the leading 0
    if re.fullmatch(r"\d+\.0", text):  # a number cell read back as a float
        text = text[:-2]
    digits = _PHONE_JUNK.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if digits.isdigit():
        if (len(digits) == 9 and digits[0] in "35789") or (len(digits) == 10 and digits[0] == "2"):
            digits = "0" + digits
        if (len(digits) == 10 and re.fullmatch(r"0[35789]\d{8}", digits)) or (
            len(digits) == 11 and digits.startswith("02")
        ):
            return digits
    raise DoithoaiError(
        f"Số điện thoại không hợp lệ: '{text}'.",
        "Số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09 (ví dụ 0977123456); "
        "số cố định gồm 11 chữ số bắt đầu bằng 02.",
    )


def mask_name(name: str) -> str:
    """'Lò Văn Thắng' → 'L. V. T.' for public exports."""
    return " ".join(part[0] + "." for part in clean(name).split()) if name else ""


# Output side: control characters that reach a terminal or a file are shown, never obeyed —
# C0 and C1 controls, DEL, and the bidirectional marks/overrides/isolates that can make text
# read backwards. Newline and tab are kept (a cell drops them separately).
# Wider than CONTROL (what input refuses): also CR, and the invisible direction marks (ALM, LRM,
# RLM) that input lets through, because here nothing is refused, only shown.
# What never reaches a terminal as it is (C0 but tab and newline, DEL, C1, bidi controls): a
# regex character class, shared with the table writer (which also folds tabs and newlines).
UNSAFE_OUTPUT_CLASS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_OUTPUT = re.compile(f"[{UNSAFE_OUTPUT_CLASS}]")


def _escape_control(match: re.Match) -> str:
    code = ord(match.group())
    # C0 as \x1b; DEL, C1 and the rest as \u009b: a JSON string printed through out() stays valid JSON
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Text with every control character except newline and tab written out as an escape (\\x1b)."""
    return _UNSAFE_OUTPUT.sub(_escape_control, text)
