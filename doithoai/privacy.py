"""Personal data that stays private: redaction of free text and a scan of public outputs.

Redaction works on free text, not only on columns: every known petitioner's name (with or
without diacritics, with initials: "Lò V. Thắng", "L.V.Thắng", "L. V. T."), names after an
honorific (ông, bà, anh, chị, cụ, em, đồng chí), Vietnamese phone numbers however written,
CCCD/CMND numbers, e-mail addresses, house numbers and street addresses.

The scan reads everything a public export would contain (CSV, JSON, text, and the XML inside
.docx and .xlsx) and lists what of the base's personal data is still there.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from doithoai.text import fold_clean

HIDDEN = "[đã ẩn]"
PHONE_MARK = "[số điện thoại]"
ID_MARK = "[số định danh]"
EMAIL_MARK = "[thư điện tử]"
ADDRESS_MARK = "[địa chỉ]"

# Matched on the original text: folded, "bà" would be "ba" (three) and "chị" "chi" (to spend).
HONORIFICS = ("ông", "bà", "anh", "chị", "cụ", "em", "đồng chí", "đ/c")
_HONORIFIC = re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, HONORIFICS)) + r")\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+\.?")


def _capitalised_run(text: str, pos: int) -> int:
    """End of the run of up to four capitalised words starting at pos (pos itself if none)."""
    end = pos
    for _ in range(4):
        m = _WORD.match(text, pos)
        if not m or not m.group()[0].isupper():
            break
        end = m.end()
        spaces = re.match(r"[ \t]+", text[end:])
        if not spaces:
            break
        pos = end + spaces.end()
    return end

# Matched on the folded text (one character per character of the original, see _fold_map).
_PHONE = re.compile(r"(?<![\w])(?:\+\s?84|\(\+?84\)|0084|84|0)(?:[\s.\-()]{0,2}\d){8,10}(?!\d)")
_ID = re.compile(r"(?<![\w])(?:\d[\s.]?){11}\d(?!\d)|(?<![\w])\d{9}(?!\d)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_STREET_WORDS = r"(?:duong|pho|ngo|ngach|hem|kiet|to dan pho|khu pho|khom|xom|thon|ban|ap|to)"
_ADDRESS = re.compile(
    r"(?<![\w])(?:so nha|nha so|sn|can ho)\s*\d+[a-z]?(?:\s*[/\-]\s*\d+[a-z]?)*"
    r"(?:\s*,?\s*" + _STREET_WORDS + r"\s+(?:\d+|[a-z]+(?:\s+[a-z]+){0,3}))?"
    r"|(?<![\w])\d+[a-z]?(?:/\d+[a-z]?)*\s+" + _STREET_WORDS + r"\s+[a-z0-9]+(?:\s+[a-z]+){0,3}"
    r"|(?<![\w])(?:ngo|ngach|hem|kiet)\s+\d+[a-z]?(?:/\d+)*")


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    folded = fold_clean(ch)
    return folded[0] if len(folded) == 1 else (folded[:1] or " ")


def _fold_map(text: str) -> str:
    """The folded form of `text` with exactly one character per original character, so that a
    match's span in the folded text is the span to replace in the original."""
    text = unicodedata.normalize("NFC", text)
    return "".join(_fold_char(c) for c in text)


def _name_pattern(name_fold: str) -> str | None:
    """A regex (on folded text) for one person's name in all its forms."""
    words = [w for w in re.split(r"\s+", name_fold.strip()) if w]
    if len(words) < 2:
        return None
    alternatives = [r"\s+".join(map(re.escape, words))]
    initials = [re.escape(w[0]) + r"\.?" for w in words]
    # family and middle names as initials, the given name whole: "L. V. Thang", "L.V.Thang"
    alternatives.append(r"\s*".join(initials[:-1]) + r"\s*" + re.escape(words[-1]))
    # the family name whole, middle names as initials: "Lo V. Thang"
    if len(words) >= 3:
        alternatives.append(re.escape(words[0]) + r"\s+" + r"\s*".join(initials[1:-1]) + r"\s*" + re.escape(words[-1]))
    # all initials, with dots: "L. V. T." (what the old public dossier printed)
    alternatives.append(r"\s*".join(re.escape(w[0]) + r"\." for w in words))
    return r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])"


@dataclass
class Redactor:
    names: list[str] = field(default_factory=list)       # folded, ≥ 2 words
    phones: set[str] = field(default_factory=set)         # 9-digit cores (without the leading 0)
    ids: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)      # folded, as recorded (≥ 2 words)
    _names_re: re.Pattern | None = None
    _addresses_re: re.Pattern | None = None

    @classmethod
    def from_base(cls, db) -> Redactor:
        r = cls()
        for name, is_org, phone, id_number, address in db.execute(
                "SELECT name, is_organisation, phone, id_number, address FROM petitioners"):
            if not is_org and name:
                r.names.append(_fold_map(name))
            if not is_org and address and len(address.split()) >= 2:
                r.addresses.add(_fold_map(address).strip())
            if phone:
                r.phones.add(phone.lstrip("0")[-9:])
            digits = re.sub(r"\D", "", id_number or "")
            if len(digits) >= 9:
                r.ids.add(digits)
        r.compile()
        return r

    def compile(self) -> None:
        patterns = sorted({p for p in map(_name_pattern, set(self.names)) if p}, key=len, reverse=True)
        self._names_re = re.compile("|".join(patterns)) if patterns else None
        places = sorted(self.addresses, key=len, reverse=True)
        self._addresses_re = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in places)
                                        + r")(?![\w])") if places else None

    def redact(self, text: str | None) -> str:
        if not text:
            return text or ""
        text = unicodedata.normalize("NFC", str(text))
        spans: list[tuple[int, int, str]] = []
        folded = _fold_map(text)
        for regex, mark in ((_EMAIL, EMAIL_MARK), (_PHONE, PHONE_MARK), (_ID, ID_MARK), (_ADDRESS, ADDRESS_MARK)):
            spans += [(m.start(), m.end(), mark) for m in regex.finditer(folded)]
        if self._names_re is not None:
            spans += [(m.start(), m.end(), HIDDEN) for m in self._names_re.finditer(folded)]
        if self._addresses_re is not None:
            spans += [(m.start(), m.end(), ADDRESS_MARK) for m in self._addresses_re.finditer(folded)]
        for m in _HONORIFIC.finditer(text):
            # capitalised words right after an honorific: a name
            end = _capitalised_run(text, m.end())
            if end > m.end():
                spans.append((m.end(), end, HIDDEN))
        if not spans:
            return text
        spans.sort(key=lambda s: (s[0], -s[1]))
        out, pos = [], 0
        for start, end, mark in spans:
            if start < pos:
                continue
            out.append(text[pos:start])
            out.append(mark)
            pos = end
        out.append(text[pos:])
        return "".join(out)


# --------------------------------------------------------------------------------- scan

@dataclass
class Finding:
    file: str
    what: str
    sample: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what} ({self.sample})"


def _mask(value: str) -> str:
    value = value.strip()
    return value[:2] + "…" + value[-1:] if len(value) > 4 else "…"


def texts_of(path: Path, data: bytes | None = None) -> str:
    """All the text a reader could get out of one file: XML text of every part of a .docx or
    .xlsx (body, headers, footers, comments, shared strings, properties), else the file as text."""
    import io

    raw = data if data is not None else path.read_bytes()
    if raw[:2] == b"PK":
        chunks = []
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                for info in z.infolist():
                    if info.filename.endswith((".xml", ".rels", ".txt", ".csv", ".json")) and info.file_size < 64 << 20:
                        xml = z.read(info).decode("utf-8", "replace")
                        xml = re.sub(r"</w:p>|</a:p>|<w:br/>|</row>|</si>|</c>", "\n", xml)
                        chunks.append(html.unescape(re.sub(r"<[^>]+>", " ", xml)))
                        # a docx splits text across runs: also join runs without a space
                        chunks.append(html.unescape(re.sub(r"<[^>]+>", "", xml)))
        except zipfile.BadZipFile:
            return raw.decode("utf-8", "replace")
        return "\n".join(chunks)
    return raw.decode("utf-8", "replace")


def scan_text(text: str, where: str, r: Redactor) -> list[Finding]:
    found: list[Finding] = []
    folded = _fold_map(text)
    if r._names_re is not None:
        for m in r._names_re.finditer(folded):
            found.append(Finding(where, "tên người kiến nghị", _mask(text[m.start():m.end()])))
    if r._addresses_re is not None:
        for m in r._addresses_re.finditer(folded):
            found.append(Finding(where, "địa chỉ người kiến nghị", _mask(text[m.start():m.end()])))
    collapsed = re.sub(r"(?<=\d)[\s.\-()]+(?=\d)", "", folded)
    for core in r.phones:
        if core and core in collapsed:
            found.append(Finding(where, "số điện thoại của người kiến nghị", _mask(core)))
    for number in r.ids:
        if number in collapsed:
            found.append(Finding(where, "số CCCD/CMND", _mask(number)))
    for regex, what in ((_PHONE, "số điện thoại"), (_EMAIL, "thư điện tử"), (_ADDRESS, "số nhà, địa chỉ")):
        for m in regex.finditer(folded):
            found.append(Finding(where, what, _mask(text[m.start():m.end()])))
    return found


def scan_files(root: Path, r: Redactor, allowed_emails: Set[str] = frozenset()) -> list[Finding]:
    """Every file of a folder or a .zip (zips inside are opened too)."""
    found: list[Finding] = []
    root = Path(root)
    if root.is_file() and root.suffix.lower() == ".zip":
        with zipfile.ZipFile(root) as z:
            for info in z.infolist():
                if not info.is_dir():
                    found += scan_text(texts_of(Path(info.filename), z.read(info)), info.filename, r)
    else:
        for p in sorted(root.rglob("*")):
            if p.is_file():
                found += scan_text(texts_of(p), str(p.relative_to(root)), r)
    allowed = {e.lower() for e in allowed_emails}
    found = [f for f in found if not (f.what == "thư điện tử" and any(a.startswith(f.sample[:2].lower()) for a in allowed))]
    unique, seen = [], set()
    for f in found:
        key = (f.file, f.what, f.sample)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


# ------------------------------------------------------------------------ documents

def redact_docx(data: bytes, r: Redactor) -> bytes:
    """The issued .docx with every paragraph's text redacted (body, tables, headers, footers),
    and the author fields of its properties cleared. Numbers and dates are left as issued."""
    import io

    from docx import Document

    doc = Document(io.BytesIO(data))

    def paragraphs(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from paragraphs(cell)

    parts: list = [doc]  # the document, then its headers and footers: all have paragraphs
    for section in doc.sections:
        parts += [section.header, section.footer, section.first_page_header, section.first_page_footer,
                  section.even_page_header, section.even_page_footer]
    for part in parts:
        for paragraph in paragraphs(part):
            runs = paragraph.runs
            if not runs:
                continue
            text = "".join(run.text for run in runs)
            redacted = r.redact(text)
            if redacted != text:
                runs[0].text = redacted
                for run in runs[1:]:
                    run.text = ""
    props = doc.core_properties
    props.author = props.last_modified_by = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
