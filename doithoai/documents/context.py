"""What each document says: plain values built from the case base, never template code.

Every string is inserted as text (docxtpl renders with autoescape, and values are not
re-parsed as templates), and characters XML forbids are removed first. With public=True the
petitioners' personal data is masked (names to initials, addresses and phones hidden).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from doithoai import agencies, deadlines, petition_listing, petitions, reports, sessions, settings, statuses
from doithoai.errors import DoithoaiError, InvalidTransition, fix
from doithoai.records import Session
from doithoai.text import fold, mask_name, vn_date, vn_long_date

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TYPE_CODES = {"plan": "KH", "invitation": "GM", "minutes": "BB", "conclusions": "TB", "report": "BC",
              "reminder": "CV", "transfer": "CV", "escalation": "CV", "transfer_notice": "TB",
              "answer_notice": "TB", "form": ""}
TITLES = {"plan": "Kế hoạch", "invitation": "Giấy mời", "form": "Phiếu đăng ký nội dung phát biểu",
          "minutes": "Biên bản", "conclusions": "Thông báo kết luận", "report": "Báo cáo kết quả",
          "reminder": "Văn bản đôn đốc", "transfer": "Công văn chuyển kiến nghị",
          "escalation": "Văn bản trình cấp trên", "transfer_notice": "Thông báo chuyển kiến nghị",
          "answer_notice": "Thông báo kết quả giải quyết kiến nghị"}
KINDS = tuple(TYPE_CODES)
# A template file name that is not a kind: notice.docx serves both notices to a petitioner.
TEMPLATE_KINDS = {"notice": "transfer_notice"}
# A letter about a petition reports a step already recorded: the statuses it needs, what is
# missing in words, and the Fix that records the step (given the petition's id when raised).
LETTER_NEEDS = {
    "transfer": (("transferred",), "chưa được chuyển", fix("petition.transfer_first")),
    "transfer_notice": (("transferred",), "chưa được chuyển", fix("petition.transfer_first")),
    "escalation": (("escalated",), "chưa được trình cấp trên", fix("petition.escalate_first")),
    "answer_notice": (("answered", "closed"), "chưa có kết quả trả lời", fix("petition.answer_first")),
}

COMMON_KEYS = {"party", "issuer_parent", "issuer", "issuer_lines", "issuer_mark", "number", "number_line",
               "motto_top", "motto_sub", "place_date", "sign_on_behalf", "signer_title", "signer_name",
               "signer_lines", "recipients", "recipients_label", "unit_name", "office", "year", "draft"}
SESSION_KEYS = {"title", "title_lower", "commune", "commune_place", "session_date", "session_date_long",
                "session_time", "location", "chair", "secretary", "participants", "notice_by", "review_by",
                "answer_due", "complex_answer_due", "session_conclusion", "session_words"}
LETTER_KEYS = {"subject_line", "to_body", "petitioner", "address", "content", "paragraphs", "addressee",
               "notice_title", "notice_subject"}
KEYS = {
    "plan": COMMON_KEYS | SESSION_KEYS | {"legal_basis", "notice_rule", "review_rule", "answer_rule", "complex_answer_rule"},
    "invitation": COMMON_KEYS | SESSION_KEYS | {"invitees"},
    "form": COMMON_KEYS | SESSION_KEYS | {"form_no"},
    "minutes": COMMON_KEYS | SESSION_KEYS | {"speakers", "end_time", "secretary_name", "officials", "citizens",
                                             "raised", "left_lines", "left_name", "minutes_date"},
    "conclusions": COMMON_KEYS | SESSION_KEYS | {"petitions", "unassigned"},
    "report": COMMON_KEYS | SESSION_KEYS | {"stats", "assessment", "petitions", "notice_text", "appendix_ref"},
    "reminder": COMMON_KEYS | {"subject_line", "addressee", "agency_name", "as_of", "petitions", "request", "level",
                               "earlier"},
    "transfer": COMMON_KEYS | SESSION_KEYS | LETTER_KEYS,
    "escalation": COMMON_KEYS | SESSION_KEYS | LETTER_KEYS,
    "transfer_notice": COMMON_KEYS | SESSION_KEYS | LETTER_KEYS,
    "answer_notice": COMMON_KEYS | SESSION_KEYS | LETTER_KEYS,
}
# Placeholders a template of the kind must use (doc check warns when one is missing).
REQUIRED = {
    "plan": {"number_line", "place_date", "commune", "notice_by", "answer_due", "signer_name"},
    "invitation": {"invitees", "session_date_long", "location", "signer_name"},
    "form": {"title_lower"},
    "minutes": {"speakers", "session_conclusion", "signer_name"},
    "conclusions": {"number_line", "petitions", "signer_name"},
    "report": {"number_line", "stats", "petitions", "signer_name"},
    "reminder": {"number_line", "petitions", "addressee", "signer_name"},
    "transfer": {"number_line", "to_body", "content", "signer_name"},
    "escalation": {"number_line", "addressee", "paragraphs", "signer_name"},
    "transfer_notice": {"number_line", "paragraphs", "signer_name"},
    "answer_notice": {"number_line", "paragraphs", "signer_name"},
}


def sanitize(value):
    if isinstance(value, str):
        return _XML_FORBIDDEN.sub("", value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def sentence(text: str) -> str:
    """Text typed by a clerk, ending with one full stop: no '..', no '”.' after a closed sentence."""
    text = (text or "").strip()
    if not text:
        return ""
    text = re.sub(r"\.{2,}$", ".", text) if not text.endswith("...") else text
    core = text.rstrip("\u201d\"')»")
    if core.endswith((".", "!", "?", "…", ":", "./.")):
        return text
    return text + "."


def _lines(value: str) -> list[str]:
    """A setting that may hold several lines: 'TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH' (' / ' or '|')."""
    return [x.strip() for x in re.split(r"\s+/\s+|\s*\|\s*|\n", value or "") if x.strip()]


_ADMIN_WORDS = ("XÃ", "PHƯỜNG", "THỊ TRẤN", "THỊ XÃ", "THÀNH PHỐ", "QUẬN", "HUYỆN", "TỈNH")


def issuer_lines(name: str) -> list[str]:
    """The issuing body in capitals, broken at the natural place: 'ỦY BAN NHÂN DÂN / XÃ KHOEN ON'."""
    upper = re.sub(r"^UBND\b", "ỦY BAN NHÂN DÂN", name.strip().upper())
    upper = re.sub(r"^HĐND\b", "HỘI ĐỒNG NHÂN DÂN", upper)
    upper = upper.replace("UỶ", "ỦY")
    for head in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM"):
        if upper.startswith(head + " ") and upper[len(head) + 1:].startswith(_ADMIN_WORDS):
            return [head, upper[len(head) + 1:]]
    if len(upper) > 26:  # too long for one line of the left column: break before the place
        for word in _ADMIN_WORDS:
            i = upper.find(" " + word + " ")
            if i > 0:
                return [upper[:i], upper[i + 1:]]
    return [upper]


def honorific(name: str, is_organisation: bool = False) -> str:
    """'ông Lò Văn Thắng', 'bà Hoàng Thị Mai' where the name tells (middle name Văn / Thị);
    otherwise the name alone. Organisations keep their name."""
    if is_organisation or not name:
        return name
    words = name.split()
    first = fold(words[0]) if words else ""
    if first in ("ong", "ba", "anh", "chi", "cu", "em"):
        return name
    middle = [fold(w) for w in words[1:-1]]
    if "thi" in middle:
        return f"bà {name}"
    if "van" in middle:
        return f"ông {name}"
    return name


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _village(address: str, commune: str) -> str:
    return address or commune


def common(db, doc_date: dt.date, number_text: str, *, signer_title: str | None = None,
           signer_name: str | None = None, draft: bool = False) -> dict:
    s = settings.get_all(db)
    party = s["unit.style"] == "party"
    unit = s["unit.name"]
    place = s["unit.place"] or unit
    on_behalf = _lines(s["unit.signer_on_behalf"])
    title = _lines(signer_title if signer_title is not None else s["unit.signer_title"])
    lines = issuer_lines(unit)
    return {
        "party": party,
        "draft": draft,
        "issuer_parent": s["unit.superior"].upper(),
        "issuer": " ".join(lines),
        "issuer_lines": lines,
        "issuer_mark": "*" if party else "",
        "number": number_text,
        "number_line": (f"Số {number_text}" if party else f"Số: {number_text}") if number_text else
                       ("Số       -" if party else "Số:       /"),
        "motto_top": "ĐẢNG CỘNG SẢN VIỆT NAM" if party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto_sub": "" if party else "Độc lập - Tự do - Hạnh phúc",
        "place_date": vn_long_date(doc_date, place),
        "sign_on_behalf": " / ".join(on_behalf),
        "signer_title": " / ".join(title),
        "signer_lines": [x.upper() for x in on_behalf + title],
        "signer_name": signer_name if signer_name is not None else s["unit.signer_name"],
        "recipients": [],
        "recipients_label": "Nơi nhận:",
        "unit_name": unit,
        "office": s["unit.office"] or f"Văn phòng {unit}",
        "year": doc_date.year,
    }


def _time_text(value: str) -> str:
    if not value:
        return "(giờ sẽ thông báo sau)"
    hour, minute = value.split(":")
    return f"{int(hour)} giờ {minute}" if minute != "00" else f"{int(hour)} giờ"


def session_words(s: Mapping[str, Any]) -> str:
    """A session in words for official text: 'Hội nghị ngày 14/9/2023 tại xã Khoen On'."""
    d = dt.date.fromisoformat(s["date"])
    return f"Hội nghị ngày {d.day}/{d.month}/{d.year} tại {s['commune']}"


def session_phrase(s: Session) -> str:
    """'hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân xã Khoen On ngày 12/3/2026'."""
    d = dt.date.fromisoformat(s["date"])
    return f"hội nghị tiếp xúc, đối thoại trực tiếp với Nhân dân {s['commune']} ngày {d.day}/{d.month}/{d.year}"


def full_name(name: str) -> str:
    """Abbreviations a clerk types, written out for official text: 'UBND huyện' → 'Ủy ban nhân dân huyện'."""
    name = re.sub(r"\bUBND\b", "Ủy ban nhân dân", name or "")
    name = re.sub(r"\bHĐND\b", "Hội đồng nhân dân", name)
    return name


def _chair_words(db, s: Session) -> str:
    """'đồng chí Lò Văn Cường, Bí thư Huyện ủy' (party) / 'ông …' is not guessed for state text."""
    name, position = s.get("chair_name") or "", s.get("chair_position") or s["chair"]
    comrade = "đồng chí " if settings.get(db, "unit.style") == "party" else ""
    if name:
        return f"{comrade}{name}, {position}" if position else f"{comrade}{name}"
    return s["chair"] or "người đứng đầu cấp ủy, chính quyền"


def session_part(db, s: Session) -> dict:
    date = dt.date.fromisoformat(s["date"])
    commune = s["commune"]
    return {
        "title": s["title"],
        "title_lower": s["title"][:1].lower() + s["title"][1:],
        "commune": commune,
        "commune_place": re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE),
        "session_date": vn_date(date),
        "session_date_long": vn_long_date(date),
        "session_words": session_words(s),
        "session_time": _time_text(s["time"]),
        "location": s["location"] or "(địa điểm sẽ thông báo sau)",
        "chair": _chair_words(db, s),
        "secretary": s["secretary"] or "tổ thư ký",
        "participants": ("người đứng đầu cấp ủy, chính quyền; Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội; "
                         "lãnh đạo các cơ quan, đơn vị liên quan; đại diện Nhân dân " + commune),
        "notice_by": vn_date(s["notice_by"]),
        "review_by": vn_date(s["review_by"]),
        "answer_due": vn_date(s["answer_due"]),
        "complex_answer_due": vn_date(s["complex_answer_due"]),
        "session_conclusion": sentence(expand_codes(db, s["conclusion"])) or "(Chưa ghi kết luận chung của người chủ trì.)",
    }


def _recipients(db, kind: str, *, first: list[str] | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    """'Nơi nhận' lines: the unit's list for the kind, never the unit itself, the archive line
    last; each ends with ';' and the last with '.' (NĐ 30/2020; HD 36-HD/VPTW)."""
    unit = settings.get(db, "unit.name")
    party = settings.get(db, "unit.style") == "party"
    commune_level = settings.get(db, "unit.level") == "xa"
    # a commune's own committee is the unit itself: never list it
    listed = [x for x in first or [] if not (commune_level and x.startswith("Cấp ủy, chính quyền"))]
    key = "doc.recipients." + {"transfer_notice": "notice", "answer_notice": "notice"}.get(kind, kind)
    if key in settings.BY_KEY:
        listed = listed + [x.strip() for x in settings.get(db, key).split(";") if x.strip()]
    if any(fold(x) == "nhu tren" for x in listed):  # "Như trên" (the addressee) always comes first
        listed = ["Như trên"] + [x for x in listed if fold(x) != "nhu tren"]
    own = {fold(unit), fold(settings.get(db, "unit.office"))} - {""}
    # the unit's own standing bodies are the unit: a committee does not send to its standing
    # office, a People's Committee not to "UBND"
    own |= {"thuong truc cap uy"} if party else {"ubnd", "uy ban nhan dan", f"ubnd {fold(unit)}"}
    items, seen = [], set()
    for item in listed:
        f = fold(item)
        if not f or f in own or f in seen or any(fold(x) == f for x in exclude):
            continue
        seen.add(f)
        items.append(item)
    office = settings.get(db, "unit.office")
    archive = (f"Lưu {office or 'Văn phòng ' + unit}" if party else "Lưu: VT" + (f", {office}" if office else ""))
    items.append(archive)
    return [f"{x};" for x in items[:-1]] + [f"{items[-1]}."]


def _rule_text(db, name: str) -> str:
    days, unit = deadlines.rule_of(db, name)
    return f"{days} {'ngày làm việc' if unit == 'working' else 'ngày'}"


def _person(row: dict, public: bool) -> tuple[str, str]:
    if public:
        return mask_name(row["petitioner"]) if not row.get("is_organisation") else row["petitioner"], ""
    return row["petitioner"], row["address"] or ""


def expand_codes(db, text: str) -> str:
    """Agency codes and session codes a clerk typed, written out: 'Giao DLTU' → 'Giao Điện lực Than Uyên'."""
    if not text:
        return text or ""
    names = {code: name for code, name in db.execute("SELECT code, name FROM agencies").fetchall() if code}
    if names:
        pattern = re.compile(r"(?<![\w/-])(" + "|".join(re.escape(c) for c in sorted(names, key=len, reverse=True))
                             + r")(?![\w/-])")

        def expand(m: re.Match) -> str:
            name = names[m.group(1)]
            # "UBND xã" with UBND = "Ủy ban nhân dân xã": do not write "xã" twice
            following = text[m.end():].lstrip()
            last = name.split()[-1]
            if following[:len(last)].lower() == last.lower() and following[len(last):len(last) + 1] in ("", " ", ",", "."):
                return " ".join(name.split()[:-1])
            return name

        text = pattern.sub(expand, text)
    for code, date, commune in db.execute("SELECT code, date, commune FROM sessions").fetchall():
        if code and code in text:
            text = text.replace(code, session_words({"date": date, "commune": commune}))
    return text


def _answers(db, session_id: int) -> dict[int, dict]:
    """The last answer at the meeting and the first written answer of each petition."""
    out: dict[int, dict] = {}
    for a in db.query(
        """SELECT x.petition_id, x.kind, x.summary, x.doc_number, x.doc_date, x.to_body, x.resolved,
                  ag.name AS agency_name
           FROM actions x JOIN petitions p ON p.id = x.petition_id LEFT JOIN agencies ag ON ag.id = x.agency_id
           WHERE p.session_id = ? ORDER BY x.id""", [session_id]):
        entry = out.setdefault(a["petition_id"], {})
        if a["kind"] == "answer_meeting":
            entry["meeting"] = a
        elif a["kind"] == "answer_written" and "written" not in entry:
            entry["written"] = a
        elif a["kind"] in ("transfer", "escalate"):
            entry[a["kind"]] = a
    return out


def _supporting(db, session_id: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for pid, name in db.execute(
            "SELECT x.petition_id, a.name FROM assignments x JOIN agencies a ON a.id = x.agency_id "
            "JOIN petitions p ON p.id = x.petition_id WHERE p.session_id = ? AND x.role = 'support' AND x.active = 1 "
            "ORDER BY x.id", [session_id]).fetchall():
        out.setdefault(pid, []).append(name)
    return out


def unassigned(db, session_id: int, as_of: dt.date) -> list[dict]:
    """Petitions of the session with no agency and no answer: a notice of conclusions cannot
    say who answers them."""
    rows = petition_listing.list_rows(db, as_of=as_of, session=str(session_id))
    answers = _answers(db, session_id)
    return [r for r in rows if not r["lead_agency"] and statuses.is_open(r["status"])
            and "meeting" not in answers.get(r["id"], {})]


def format_number(db, kind: str, number: int) -> str:
    """A document number as the unit writes it (doc.number_format / doc.letter_number_format)."""
    party = settings.get(db, "unit.style") == "party"
    symbol = settings.get(db, "unit.symbol") or ("ĐU" if party else "UBND")
    type_code = TYPE_CODES[kind]
    if type_code == "CV":
        fmt = settings.get(db, "doc.letter_number_format") or ("{number}-CV/{symbol}" if party else "{number}/{symbol}-VP")
    else:
        fmt = settings.get(db, "doc.number_format") or ("{number}-{type}/{symbol}" if party else "{number}/{type}-{symbol}")
    try:  # numbers below 10 carry a leading zero (NĐ 30/2020 Appendix I; HD 36-HD/VPTW)
        return fmt.format(number=f"{number:02d}", type=type_code, symbol=symbol)
    except (KeyError, IndexError, ValueError):
        raise DoithoaiError(f"Dạng số văn bản '{fmt}' không hợp lệ.",
                            "Chỉ dùng {number}, {type} và {symbol}, ví dụ {number}-{type}/{symbol}.") from None


def build(db, kind: str, *, session: str | None = None, agency: str | None = None, petition: int | None = None,
          doc_date: dt.date, number_text: str = "", public: bool = False, invitees: list[str] | None = None,
          end_time: str = "", as_of: dt.date | None = None, level: int = 1,
          petition_ids: list[int] | None = None, signer_title: str | None = None, signer_name: str | None = None,
          draft: bool = False) -> dict:
    ctx = common(db, doc_date, number_text, signer_title=signer_title, signer_name=signer_name, draft=draft)
    if draft and TYPE_CODES.get(kind):  # a draft shows where the number goes: "Số:      /KH-UBND"
        blank = format_number(db, kind, 0).replace("00", "      ", 1)
        ctx["number_line"] = f"Số {blank}" if ctx["party"] else f"Số: {blank}"
    if kind == "reminder":
        assert agency is not None  # a reminder goes to one agency
        ctx.update(_reminder(db, agency, as_of or doc_date, level, petition_ids, doc_date))
        return sanitize(ctx)
    if kind in ("transfer", "escalation", "transfer_notice", "answer_notice"):
        assert petition is not None  # a letter is about one petition
        ctx.update(_letter(db, kind, petition, doc_date, public))
        return sanitize(ctx)

    assert session is not None  # every other kind is about one session
    s = sessions.get(db, session)
    ctx.update(session_part(db, s))
    rows = petition_listing.list_rows(db, as_of=doc_date, session=str(s["id"]))
    if kind == "plan":
        ctx.update({
            "legal_basis": "quy chế về tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
            "notice_rule": _rule_text(db, "notice"), "review_rule": _rule_text(db, "review"),
            "answer_rule": _rule_text(db, "answer"), "complex_answer_rule": _rule_text(db, "complex_answer"),
        })
        ctx["recipients"] = _recipients(db, "plan", first=[f"Cấp ủy, chính quyền {s['commune']}"])
    elif kind == "invitation":
        ctx["invitees"] = invitees or [f"Đại diện Nhân dân {s['commune']}"]
        ctx["recipients"] = _recipients(db, "invitation")
    elif kind == "form":
        ctx["form_no"] = "…………"
    elif kind == "minutes":
        ctx.update(_minutes(db, s, rows, public, end_time))
    elif kind == "conclusions":
        answers = _answers(db, s["id"])
        support = _supporting(db, s["id"])
        ctx["petitions"] = []
        for r in rows:
            name, address = _person(r, public)
            ctx["petitions"].append({
                "who": honorific(name, bool(r.get("is_organisation"))) if not public else name,
                "where": _village(address, s["commune"]) if not public else "",
                "content": sentence(r["content"]),
                "conclusion": sentence(expand_codes(db, r["conclusion"])) or _default_conclusion(r, answers.get(r["id"], {})),
                "agency": r["lead_agency_name"] or _handled_by(r, answers.get(r["id"], {})),
                "support": ", ".join(support.get(r["id"], [])),
                # settled at the meeting: nothing left to answer, so no deadline
                "due_on": "" if (answers.get(r["id"], {}).get("meeting") or {}).get("resolved") else
                          vn_date(r["due_on"]) if r["lead_agency"] else ""})
        ctx["unassigned"] = [r["id"] for r in unassigned(db, s["id"], doc_date)]
        ctx["recipients"] = _recipients(db, "conclusions", first=[f"Cấp ủy, chính quyền {s['commune']}"])
    elif kind == "report":
        ctx.update(_report(db, s, rows, doc_date, public))
        ctx["appendix_ref"] = (f"(Kèm theo Báo cáo số {number_text} ngày {vn_date(doc_date)} của {ctx['unit_name']})"
                               if number_text else f"(Kèm theo Báo cáo số      ngày      của {ctx['unit_name']})")
        ctx["recipients"] = _recipients(db, "report", first=[_superior_recipient(db)])
    return sanitize(ctx)


def _superior_recipient(db) -> str:
    to = settings.get(db, "unit.escalate_to")
    return f"{full_name(to)} (để báo cáo)" if to else "Cấp trên trực tiếp (để báo cáo)"


def _handled_by(r: dict, a: dict) -> str:
    """The competent body a petition went to — also once that body has answered in writing."""
    for kind in ("transfer", "escalate"):
        if kind in a and a[kind].get("to_body"):
            return a[kind]["to_body"]
    return ""


def _default_conclusion(r: dict, a: dict | None = None) -> str:
    a = a or {}
    if r["status"] == "answered" or "meeting" in a:
        return "Đã trả lời tại hội nghị." if "meeting" in a and "written" not in a else "Đã trả lời bằng văn bản."
    if r["status"] == "transferred":
        to = a.get("transfer", {}).get("to_body")
        return f"Chuyển {to} giải quyết theo thẩm quyền." if to else "Chuyển cơ quan có thẩm quyền giải quyết."
    if r["status"] == "escalated":
        to = a.get("escalate", {}).get("to_body")
        return f"Trình {to} xem xét, giải quyết." if to else "Trình cấp trên xem xét, giải quyết."
    if r["lead_agency_name"]:
        return f"Giao {r['lead_agency_name']} xem xét, trả lời bằng văn bản."
    return "Ghi nhận."


def _minutes(db, s: Session, rows: list[dict], public: bool, end_time: str) -> dict:
    answers = _answers(db, s["id"])
    # who spoke: the registered speakers in their order, then those raised or answered at the meeting
    speakers = [r for r in rows if r["speak"]] + [
        r for r in rows if not r["speak"] and (r["source"] == "tai-hoi-nghi" or "meeting" in answers.get(r["id"], {}))]
    out = []
    for i, r in enumerate(speakers, start=1):
        name, address = _person(r, public)
        a = answers.get(r["id"], {})
        meeting = a.get("meeting")
        by = ""
        if meeting:
            by = f" ({meeting['agency_name']})" if meeting.get("agency_name") else ""
            answer = sentence(expand_codes(db, meeting["summary"])) if meeting["summary"] else "Đã trả lời."
        elif r["lead_agency_name"]:
            answer = f"Giao {r['lead_agency_name']} trả lời bằng văn bản."
        else:
            answer = "Ghi nhận, sẽ trả lời sau."
        out.append({"order": i, "name": honorific(name, bool(r.get("is_organisation"))) if not public else name,
                    "address": _village(address, s["commune"]) if not public else "",
                    "content": sentence(r["content"]), "answer": answer, "answered_by": by.strip(" ()"),
                    "raised": r["source"] == "tai-hoi-nghi",
                    "conclusion": sentence(expand_codes(db, r["conclusion"]))})
    chair_name = s.get("chair_name") or ""
    secretary_name = s.get("secretary_name") or s["secretary"]
    secretary_position = s.get("secretary_position") or ""
    officials = [_cap(x.strip()) for x in (s.get("officials") or "").split(";") if x.strip()]
    party = settings.get(db, "unit.style") == "party"
    comrade = "đồng chí " if party else ""
    return {
        "speakers": out,
        "raised": sum(1 for x in out if x["raised"]),
        "end_time": end_time or (_time_text(s["end_time"]) if s.get("end_time") else "…… giờ ……"),
        "secretary_name": secretary_name,
        "officials": officials,
        "citizens": s.get("citizens_present") or 0,
        "secretary": (f"{comrade}{secretary_name}, {secretary_position}" if secretary_name and secretary_position
                      else secretary_name or "tổ thư ký"),
        # the two signatures, level: the persons sign (not the office)
        "left_lines": ["THƯ KÝ"], "left_name": secretary_name,
        "signer_lines": ["CHỦ TRÌ HỘI NGHỊ"], "signer_name": chair_name,  # the office is not a signature
        "minutes_date": vn_long_date(dt.date.fromisoformat(s["date"])),
    }


def _report(db, s: Session, rows: list[dict], as_of: dt.date, public: bool) -> dict:
    answers = _answers(db, s["id"])
    stats = {k: 0 for k in ("total", "resolved_at_meeting", "assigned", "answered", "on_time", "late", "pending",
                            "overdue", "transferred", "escalated")}
    table = []
    for r in rows:
        a = answers.get(r["id"], {})
        stats["total"] += 1
        meeting_done = a.get("meeting", {}).get("resolved") and "written" not in a
        if meeting_done:
            stats["resolved_at_meeting"] += 1
        if r["lead_agency"]:
            stats["assigned"] += 1
        if "written" in a:
            stats["answered"] += 1
            late = r["due_on"] and a["written"]["doc_date"] > r["due_on"]
            stats["late" if late else "on_time"] += 1
            number = f"văn bản số {a['written']['doc_number']} " if a["written"]["doc_number"] else "văn bản "
            result = f"Đã trả lời ({number}ngày {vn_date(a['written']['doc_date'])})"
            moved = _handled_by(r, a)
            if moved:  # transferred or escalated, then answered: the report names both
                result = f"Đã {'chuyển' if 'transfer' in a else 'trình'} {moved}; đã trả lời ({number}ngày " \
                         f"{vn_date(a['written']['doc_date'])})"
        elif r["status"] == "transferred":
            stats["transferred"] += 1
            to = a.get("transfer", {}).get("to_body")
            result = f"Đã chuyển {to}" if to else "Đã chuyển cơ quan có thẩm quyền"
        elif r["status"] == "escalated":
            stats["escalated"] += 1
            to = a.get("escalate", {}).get("to_body")
            result = f"Đã trình {to}" if to else "Đã trình cấp trên"
        elif meeting_done:
            result = "Giải quyết tại hội nghị"
        elif statuses.is_open(r["status"]):
            stats["pending"] += 1
            if r["days_overdue"]:
                stats["overdue"] += 1
                result = f"Chưa trả lời, quá hạn {r['days_overdue']} ngày làm việc"
            else:
                result = "Đang giải quyết"
        else:
            result = statuses.LABELS[r["status"]]
        name, _ = _person(r, public)
        table.append({"name": name, "content": sentence(r["content"]),
                      "agency": r["lead_agency_name"] or _handled_by(r, a),
                      "due_on": vn_date(r["due_on"]) if r["lead_agency"] else "", "result": result})
    done = stats["resolved_at_meeting"] + stats["answered"] + stats["transferred"] + stats["escalated"]
    share = f"{done * 100 // stats['total']}%" if stats["total"] else "0%"
    assessment = (f"Hội nghị được tổ chức đúng kế hoạch, dân chủ, công khai. Đến ngày {vn_date(as_of)} đã giải quyết, "
                  f"trả lời {done}/{stats['total']} ý kiến, kiến nghị ({share}).")
    if stats["overdue"]:
        assessment += (f" Còn {stats['overdue']} kiến nghị quá hạn chưa được trả lời; đề nghị các cơ quan được giao "
                       "khẩn trương giải quyết, trả lời công dân.")
    notice = f"ngày {vn_date(s['notice_sent_on'])}" if s["notice_sent_on"] else "theo kế hoạch"
    if s["notice_sent_on"] and s["notice_by"] and s["notice_sent_on"] > s["notice_by"]:
        notice += f" (muộn so với hạn {vn_date(s['notice_by'])})"
    return {"stats": stats, "assessment": assessment, "petitions": table, "notice_text": notice}


def _reminder(db, agency: str, as_of: dt.date, level: int, petition_ids: list[int] | None,
              doc_date: dt.date) -> dict:
    """The agency's overdue petitions (or just those being reminded now). After
    remind.escalate_after reminders the letter goes to the head, with a copy to the chair.
    A second or third reminder cites the earlier ones by number and date."""
    a = agencies.get(db, agency)
    rows = reports.overdue(db, as_of, agency=a["code"])
    if petition_ids is not None:
        wanted = set(petition_ids)
        rows = [r for r in rows if r["id"] in wanted]
    escalated = level > int(settings.get(db, "remind.escalate_after"))
    addressee = (f"{a['head'] or 'Thủ trưởng'} {a['name']}" if escalated else a["name"])
    office = settings.get(db, "unit.office") or "Văn phòng " + settings.get(db, "unit.name")
    request = (f"Đề nghị {a['name']} khẩn trương chỉ đạo giải quyết, trả lời bằng văn bản cho công dân và báo cáo "
               f"kết quả về {office}.")
    if escalated:
        request = ("Các kiến nghị trên đã được đôn đốc nhiều lần nhưng chưa được trả lời. " + request +
                   " Đồng gửi người chủ trì hội nghị để theo dõi, chỉ đạo.")
    earlier = [f"số {n} ngày {vn_date(d)}" for n, d in db.execute(
        "SELECT number_text, doc_date FROM documents WHERE kind = 'reminder' AND agency_id = ? AND status = 'issued' "
        "AND doc_date < ? AND number_text <> '' ORDER BY doc_date, id", [a["id"], doc_date.isoformat()]).fetchall()]
    session_rows = {r[0]: r for r in db.execute(  # the sessions of these petitions only
        "SELECT code, date, commune FROM sessions WHERE code IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted({r["session"] for r in rows}))]).fetchall()}
    names = {}
    for r in db.execute("SELECT p.id, pr.name, pr.address, pr.is_organisation FROM petitions p "
                        "JOIN petitioners pr ON pr.id = p.petitioner_id WHERE p.id IN ({})".format(",".join(str(int(r["id"])) for r in rows)) if rows else "SELECT 1, '', '', 0 WHERE 0").fetchall():
        names[r[0]] = (r[1], r[2], r[3])
    first = ["Như trên"] + (["Người chủ trì hội nghị tiếp xúc, đối thoại (để chỉ đạo)"] if escalated else [])
    petitions_out = []
    for r in rows:
        name, address, org = names.get(r["id"], ("", "", 0))
        code = r["session"]
        srow = session_rows.get(code)
        petitions_out.append({
            "id": r["id"], "content": sentence(r["content"]),
            "petitioner": _cap(honorific(name, bool(org))), "address": address,
            "session": session_words({"date": srow[1], "commune": srow[2]}) if srow else "",
            "due_on": vn_date(r["due_on"]), "days_overdue": r["days_overdue"]})
    return {
        "subject_line": "V/v đôn đốc trả lời kiến nghị của công dân" + (f" (lần thứ {level})" if level > 1 else ""),
        "addressee": addressee, "agency_name": a["name"], "as_of": vn_date(as_of), "level": level, "request": request,
        "earlier": ", ".join(earlier),
        "petitions": petitions_out,
        "recipients": _recipients(db, "reminder", first=first),
    }


def require_letter_step(db, kind: str, petition: int) -> None:
    """Refuse a letter about a petition whose step it reports is not recorded yet."""
    if kind not in LETTER_NEEDS:
        return
    allowed, missing, step = LETTER_NEEDS[kind]
    p = petitions.get(db, petition)
    if p["status"] not in allowed:
        raise InvalidTransition(f"Kiến nghị số {p['id']} {missing}.", fix=fix(step.action, id=p["id"]))


def _letter(db, kind: str, petition: int, doc_date: dt.date, public: bool) -> dict:
    """Transfer letter (CV), escalation letter, and the two notices to the petitioner."""
    p = petition_listing.show(db, petition, doc_date)
    s = sessions.get(db, p["session_id"])
    out = session_part(db, s)
    action = {"transfer": "transfer", "transfer_notice": "transfer", "escalation": "escalate"}.get(kind)
    act = next((a for a in reversed(p["actions"]) if a["kind"] == action), None) if action else None
    name, address = _person(p, public)
    who = honorific(name, bool(p.get("is_organisation"))) if not public else name
    where = address or s["commune"]
    content = p["content"].strip().rstrip(".")
    unit = settings.get(db, "unit.name")
    to_body = full_name(act["to_body"]) if act else ""
    out.update({"petitioner": who, "address": where, "content": content, "to_body": to_body})
    if kind == "transfer":
        out["subject_line"] = "V/v chuyển kiến nghị của công dân"
        out["addressee"] = to_body
        out["recipients"] = _recipients(db, "transfer", first=[f"{who[:1].upper()}{who[1:]} (để biết)"])
    elif kind == "escalation":
        out["subject_line"] = "V/v đề nghị giải quyết kiến nghị của công dân vượt thẩm quyền"
        out["addressee"] = to_body
        out["reason"] = sentence(act["summary"]) if act and act["summary"] else ""
        out["paragraphs"] = [
            f"Tại {session_phrase(s)}, {who} ({where}) có kiến nghị: "
            f"\u201c{content}\u201d.",
            f"Nội dung kiến nghị vượt thẩm quyền giải quyết của {unit}"
            + (f": {out['reason'][:1].lower()}{out['reason'][1:]}" if out["reason"] else ".")
            + f" {unit} kính đề nghị {to_body} xem xét, chỉ đạo giải quyết và trả lời công dân theo quy định, đồng "
              f"thời thông báo kết quả về {settings.get(db, 'unit.office') or 'Văn phòng ' + unit} để theo dõi./.",
        ]
        out["recipients"] = _recipients(db, "escalation")
    elif kind == "transfer_notice":
        letter = act["doc_number"] if act else ""
        letter_date = f" ngày {vn_date(act['doc_date'])}" if act and act.get("doc_date") else ""
        out["notice_title"] = "THÔNG BÁO"
        out["notice_subject"] = "Về việc chuyển kiến nghị đến cơ quan có thẩm quyền"
        out["addressee"] = f"{who[:1].upper()}{who[1:]} ({where})"
        out["paragraphs"] = [
            f"Tại {session_phrase(s)}, {who} có kiến nghị: \u201c{content}\u201d.",
            f"Nội dung kiến nghị thuộc thẩm quyền giải quyết của {to_body}. {unit} đã chuyển kiến nghị đến "
            f"{to_body}" + (f" (Công văn số {letter}{letter_date})" if letter else "")
            + " để xem xét, giải quyết và trả lời theo quy định; đồng thời gửi Ủy ban MTTQ Việt Nam và các tổ chức "
              "chính trị - xã hội để giám sát việc thực hiện.",
            f"{unit} thông báo để {who} được biết./.",
        ]
        out["recipients"] = _recipients(db, "transfer_notice")
    elif kind == "answer_notice":
        written = next((a for a in p["actions"] if a["kind"] == "answer_written"), None)
        meeting = next((a for a in reversed(p["actions"]) if a["kind"] == "answer_meeting"), None)
        if written:
            by = written.get("agency_name") or p.get("lead_agency_name") or "cơ quan được giao"
            number = f" số {written['doc_number']}" if written.get("doc_number") else ""
            date = f" ngày {vn_date(written['doc_date'])}" if written.get("doc_date") else ""
            result = (f"{by} đã trả lời bằng văn bản{number}{date}"
                      + (f" với nội dung: {sentence(expand_codes(db, written['summary']))}" if written["summary"] else "."))
        elif meeting:
            result = ("Kiến nghị đã được trả lời tại hội nghị"
                      + (f": {sentence(expand_codes(db, meeting['summary']))}" if meeting["summary"] else "."))
        else:
            result = "Kiến nghị đang được cơ quan có thẩm quyền xem xét, giải quyết."
        out["notice_title"] = "THÔNG BÁO"
        out["notice_subject"] = "Kết quả giải quyết kiến nghị của công dân"
        out["addressee"] = f"{who[:1].upper()}{who[1:]} ({where})"
        out["paragraphs"] = [
            f"Tại {session_phrase(s)}, {who} có kiến nghị: \u201c{content}\u201d.",
            result,
            f"{unit} thông báo để {who} được biết. Nếu chưa đồng ý với kết quả trên, công dân có quyền kiến nghị, "
            "khiếu nại theo quy định của pháp luật./.",
        ]
        out["recipients"] = _recipients(db, "answer_notice")
    out.setdefault("subject_line", "")
    out.setdefault("paragraphs", [])
    out.setdefault("notice_title", "")
    out.setdefault("notice_subject", "")
    return out
