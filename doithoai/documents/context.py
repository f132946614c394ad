"""What each document says: plain values built from the case base, never template code.

Every string is inserted as text (docxtpl renders with autoescape, and values are not
re-parsed as templates), and characters XML forbids are removed first. With public=True the
petitioners' personal data is masked (names to initials, addresses and phones hidden).
"""

from __future__ import annotations

import datetime as dt
import re

from doithoai import agencies, deadlines, petitions, reports, sessions, settings, statuses
from doithoai.text import mask_name, vn_date, vn_long_date

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

TYPE_CODES = {"plan": "KH", "invitation": "GM", "minutes": "BB", "conclusions": "TB", "report": "BC",
              "reminder": "CV", "transfer": "CV", "form": ""}
TITLES = {"plan": "Kế hoạch", "invitation": "Giấy mời", "form": "Phiếu đăng ký nội dung phát biểu",
          "minutes": "Biên bản", "conclusions": "Thông báo kết luận", "report": "Báo cáo kết quả",
          "reminder": "Văn bản đôn đốc", "transfer": "Phiếu chuyển kiến nghị"}
KINDS = tuple(TYPE_CODES)

COMMON_KEYS = {"issuer_parent", "issuer", "issuer_mark", "number", "number_line", "motto_top", "motto_sub",
               "place_date", "sign_on_behalf", "signer_title", "signer_name", "recipients", "recipients_label",
               "unit_name", "office", "year"}
SESSION_KEYS = {"title", "title_lower", "commune", "commune_place", "session_date", "session_date_long",
                "session_time", "location", "chair", "secretary", "participants", "notice_by", "review_by",
                "answer_due", "complex_answer_due", "session_conclusion"}
KEYS = {
    "plan": COMMON_KEYS | SESSION_KEYS | {"legal_basis", "notice_rule", "review_rule", "answer_rule", "complex_answer_rule"},
    "invitation": COMMON_KEYS | SESSION_KEYS | {"invitees"},
    "form": COMMON_KEYS | SESSION_KEYS | {"form_no"},
    "minutes": COMMON_KEYS | SESSION_KEYS | {"speakers", "end_time", "secretary_name"},
    "conclusions": COMMON_KEYS | SESSION_KEYS | {"petitions"},
    "report": COMMON_KEYS | SESSION_KEYS | {"stats", "assessment", "petitions", "notice_text"},
    "reminder": COMMON_KEYS | {"subject_line", "addressee", "agency_name", "as_of", "petitions", "request", "level"},
    "transfer": COMMON_KEYS | SESSION_KEYS | {"subject_line", "to_body", "petitioner", "address", "content"},
}
# Placeholders a template of the kind must use (doc check warns when one is missing).
REQUIRED = {
    "plan": {"number_line", "place_date", "commune", "notice_by", "answer_due"},
    "invitation": {"invitees", "session_date_long", "location"},
    "form": {"title_lower"},
    "minutes": {"speakers", "session_conclusion", "chair", "secretary"},
    "conclusions": {"number_line", "petitions"},
    "report": {"number_line", "stats", "petitions"},
    "reminder": {"number_line", "petitions", "addressee"},
    "transfer": {"number_line", "to_body", "content"},
}


def sanitize(value):
    if isinstance(value, str):
        return _XML_FORBIDDEN.sub("", value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def _rich(text: str, **style):
    from docxtpl import RichText

    rt = RichText()
    if text:
        rt.add(_XML_FORBIDDEN.sub("", text), font="Times New Roman", **style)
    return rt


def common(db, doc_date: dt.date, number_text: str) -> dict:
    s = settings.get_all(db)
    party = s["unit.style"] == "party"
    unit = s["unit.name"]
    place = s["unit.place"] or unit
    return {
        "issuer_parent": s["unit.parent"].upper(),
        "issuer": unit.upper(),
        "issuer_mark": "*" if party else "———————",
        "number": number_text,
        "number_line": (f"Số {number_text}" if party else f"Số: {number_text}") if number_text else "",
        "motto_top": _rich("ĐẢNG CỘNG SẢN VIỆT NAM" if party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                           bold=True, underline=party, size=30 if party else 26),
        "motto_sub": _rich("" if party else "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, size=28),
        "place_date": vn_long_date(doc_date, place),
        "sign_on_behalf": s["unit.signer_on_behalf"],
        "signer_title": s["unit.signer_title"],
        "signer_name": s["unit.signer_name"],
        "recipients": [],
        "recipients_label": _rich("Nơi nhận:", bold=not party, italic=not party, underline=party, size=24 if not party else 28),
        "unit_name": unit,
        "office": s["unit.office"] or f"Văn phòng {unit}",
        "year": doc_date.year,
    }


def _time_text(value: str) -> str:
    if not value:
        return "(giờ sẽ thông báo sau)"
    hour, minute = value.split(":")
    return f"{hour} giờ {minute}"


def session_part(db, s: dict) -> dict:
    date = dt.date.fromisoformat(s["date"])
    commune = s["commune"]
    return {
        "title": s["title"],
        "title_lower": s["title"][:1].lower() + s["title"][1:],
        "commune": commune,
        "commune_place": re.sub(r"^(xã|phường|thị trấn)\s+", "", commune, flags=re.IGNORECASE),
        "session_date": vn_date(date),
        "session_date_long": vn_long_date(date),
        "session_time": _time_text(s["time"]),
        "location": s["location"] or "(địa điểm sẽ thông báo sau)",
        "chair": s["chair"] or "người đứng đầu cấp ủy, chính quyền",
        "secretary": s["secretary"] or "tổ thư ký",
        "participants": ("người đứng đầu cấp ủy, chính quyền; Ủy ban MTTQ Việt Nam và các tổ chức chính trị - xã hội; "
                         "lãnh đạo các cơ quan, đơn vị liên quan; đại diện Nhân dân " + commune),
        "notice_by": vn_date(s["notice_by"]),
        "review_by": vn_date(s["review_by"]),
        "answer_due": vn_date(s["answer_due"]),
        "complex_answer_due": vn_date(s["complex_answer_due"]),
        "session_conclusion": s["conclusion"] or "(Chưa ghi kết luận chung của người chủ trì.)",
    }


def _recipients(db, *extra: str) -> list[str]:
    unit = settings.get(db, "unit.name")
    return [*extra, "Lưu: VT" + (f", {settings.get(db, 'unit.office')}" if settings.get(db, "unit.office") else "") + "."] \
        if unit else ["Lưu: VT."]


def _rule_text(db, name: str) -> str:
    days, unit = deadlines.rule_of(db, name)
    return f"{days} {'ngày làm việc' if unit == 'working' else 'ngày'}"


def _person(row: dict, public: bool) -> tuple[str, str]:
    if public:
        return mask_name(row["petitioner"]) if not row.get("is_organisation") else row["petitioner"], ""
    return row["petitioner"], row["address"] or ""


def _answers(db, session_id: int) -> dict[int, dict]:
    """The last answer at the meeting and the first written answer of each petition."""
    out: dict[int, dict] = {}
    for a in db.query(
        """SELECT x.petition_id, x.kind, x.summary, x.doc_number, x.doc_date, x.to_body, x.resolved
           FROM actions x JOIN petitions p ON p.id = x.petition_id WHERE p.session_id = ? ORDER BY x.id""", [session_id]):
        entry = out.setdefault(a["petition_id"], {})
        if a["kind"] == "answer_meeting":
            entry["meeting"] = a
        elif a["kind"] == "answer_written" and "written" not in entry:
            entry["written"] = a
        elif a["kind"] in ("transfer", "escalate"):
            entry[a["kind"]] = a
    return out


def build(db, kind: str, *, session: str | None = None, agency: str | None = None, petition: int | None = None,
          doc_date: dt.date, number_text: str = "", public: bool = False, invitees: list[str] | None = None,
          end_time: str = "", as_of: dt.date | None = None, level: int = 1,
          petition_ids: list[int] | None = None) -> dict:
    ctx = common(db, doc_date, number_text)
    if kind == "reminder":
        ctx.update(_reminder(db, agency, as_of or doc_date, level, petition_ids))
        return sanitize(ctx)
    if kind == "transfer":
        p = petitions.show(db, petition, doc_date)
        s = sessions.get(db, p["session_id"])
        ctx.update(session_part(db, s))
        transfer = next((a for a in reversed(p["actions"]) if a["kind"] == "transfer"), None)
        name, address = _person(p, public)
        ctx.update({
            "subject_line": "V/v chuyển kiến nghị của công dân",
            "to_body": transfer["to_body"] if transfer else "(cơ quan có thẩm quyền)",
            "petitioner": name, "address": address or s["commune"], "content": p["content"],
        })
        ctx["recipients"] = _recipients(db, "Như trên", f"{name} (để biết)", "Ủy ban MTTQ Việt Nam (để giám sát)")
        return sanitize(ctx)

    s = sessions.get(db, session)
    ctx.update(session_part(db, s))
    rows = petitions.list_rows(db, as_of=doc_date, session=str(s["id"]))
    if kind == "plan":
        ctx.update({
            "legal_basis": "quy chế về tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Nhân dân",
            "notice_rule": _rule_text(db, "notice"), "review_rule": _rule_text(db, "review"),
            "answer_rule": _rule_text(db, "answer"), "complex_answer_rule": _rule_text(db, "complex_answer"),
        })
        ctx["recipients"] = _recipients(db, "Thường trực cấp ủy, HĐND, UBND", "Ủy ban MTTQ Việt Nam",
                                        "Các cơ quan, đơn vị liên quan", f"Cấp ủy, chính quyền {s['commune']}")
    elif kind == "invitation":
        ctx["invitees"] = invitees or [f"Đại diện Nhân dân {s['commune']}"]
        ctx["recipients"] = _recipients(db, "Như trên")
    elif kind == "form":
        ctx["form_no"] = "…………"
    elif kind == "minutes":
        answers = _answers(db, s["id"])
        # who spoke: the registered speakers in their order, then those raised or answered at the meeting
        speakers = [r for r in rows if r["speak"]] + [
            r for r in rows if not r["speak"] and (r["source"] == "tai-hoi-nghi" or "meeting" in answers.get(r["id"], {}))]
        ctx["speakers"] = []
        for i, r in enumerate(speakers, start=1):
            name, address = _person(r, public)
            a = answers.get(r["id"], {})
            answer = a.get("meeting", {}).get("summary") or (
                f"Giao {r['lead_agency_name']} trả lời bằng văn bản." if r["lead_agency_name"] else "Ghi nhận, sẽ trả lời sau.")
            ctx["speakers"].append({"order": i, "name": name, "address": address or s["commune"],
                                    "content": r["content"], "answer": answer, "conclusion": r["conclusion"]})
        ctx["end_time"] = end_time or "11 giờ 30"
        ctx["secretary_name"] = s["secretary"]
        ctx["sign_on_behalf"], ctx["signer_title"], ctx["signer_name"] = "", "CHỦ TRÌ HỘI NGHỊ", s["chair"]
    elif kind == "conclusions":
        ctx["petitions"] = [{"content": r["content"], "conclusion": r["conclusion"] or _default_conclusion(r),
                             "agency": r["lead_agency_name"] or "", "due_on": vn_date(r["due_on"]) if r["lead_agency"] else ""}
                            for r in rows]
        ctx["recipients"] = _recipients(db, "Cấp trên trực tiếp (để báo cáo)", "Ủy ban MTTQ Việt Nam",
                                        "Các cơ quan, đơn vị được giao", f"Cấp ủy, chính quyền {s['commune']}")
    elif kind == "report":
        ctx.update(_report(db, s, rows, doc_date, public))
        ctx["recipients"] = _recipients(db, "Cấp trên trực tiếp (để báo cáo)", "Ban Dân vận", "Ủy ban MTTQ Việt Nam",
                                        "Các tổ chức chính trị - xã hội")
    return sanitize(ctx)


def _default_conclusion(r: dict) -> str:
    if r["status"] == "answered":
        return "Đã trả lời."
    if r["status"] == "transferred":
        return "Chuyển cơ quan có thẩm quyền giải quyết."
    if r["status"] == "escalated":
        return "Trình cấp trên giải quyết."
    if r["lead_agency_name"]:
        return f"Giao {r['lead_agency_name']} xem xét, trả lời bằng văn bản."
    return "Ghi nhận."


def _report(db, s: dict, rows: list[dict], as_of: dt.date, public: bool) -> dict:
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
            result = f"Đã trả lời (văn bản {a['written']['doc_number']} ngày {vn_date(a['written']['doc_date'])})"
        elif r["status"] == "transferred":
            stats["transferred"] += 1
            result = f"Chuyển {a.get('transfer', {}).get('to_body', '')}"
        elif r["status"] == "escalated":
            stats["escalated"] += 1
            result = f"Trình {a.get('escalate', {}).get('to_body', '')}"
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
        table.append({"name": name, "content": r["content"], "agency": r["lead_agency"] or "",
                      "due_on": vn_date(r["due_on"]) if r["lead_agency"] else "", "result": result})
    done = stats["resolved_at_meeting"] + stats["answered"] + stats["transferred"] + stats["escalated"]
    share = f"{done * 100 // stats['total']}%" if stats["total"] else "0%"
    assessment = (f"Hội nghị được tổ chức đúng kế hoạch, dân chủ, công khai. Đến ngày {vn_date(as_of)} đã giải quyết, "
                  f"trả lời {done}/{stats['total']} ý kiến, kiến nghị ({share}).")
    if stats["overdue"]:
        assessment += (f" Còn {stats['overdue']} kiến nghị quá hạn chưa được trả lời; đề nghị các cơ quan được giao "
                       "khẩn trương giải quyết, trả lời công dân.")
    notice = f"ngày {vn_date(s['notice_sent_on'])}" if s["notice_sent_on"] else "theo kế hoạch"
    if s["notice_sent_on"] and s["notice_sent_on"] > s["notice_by"]:
        notice += f" (muộn so với hạn {vn_date(s['notice_by'])})"
    return {"stats": stats, "assessment": assessment, "petitions": table, "notice_text": notice}


def _reminder(db, agency: str, as_of: dt.date, level: int, petition_ids: list[int] | None) -> dict:
    """The agency's overdue petitions (or just those being reminded now). After
    remind.escalate_after reminders the letter goes to the head, with a copy to the chair."""
    a = agencies.get(db, agency)
    rows = reports.overdue(db, as_of, agency=a["code"])
    if petition_ids is not None:
        wanted = set(petition_ids)
        rows = [r for r in rows if r["id"] in wanted]
    escalated = level > int(settings.get(db, "remind.escalate_after"))
    addressee = (f"{a['head'] or 'Thủ trưởng'} {a['name']}" if escalated else a["name"])
    request = (f"Đề nghị {a['name']} khẩn trương chỉ đạo giải quyết, trả lời bằng văn bản cho công dân và báo cáo "
               f"kết quả về {settings.get(db, 'unit.office') or 'Văn phòng ' + settings.get(db, 'unit.name')}.")
    if escalated:
        request = ("Các kiến nghị trên đã được đôn đốc nhiều lần nhưng chưa được trả lời. " + request +
                   " Đồng gửi người chủ trì hội nghị để theo dõi, chỉ đạo.")
    recipients = ["Như trên"] + (["Người chủ trì hội nghị tiếp xúc, đối thoại (để chỉ đạo)"] if escalated else [])
    return {
        "subject_line": "V/v đôn đốc trả lời kiến nghị của công dân" + (" (lần thứ " + str(level) + ")" if escalated else ""),
        "addressee": addressee, "agency_name": a["name"], "as_of": vn_date(as_of), "level": level, "request": request,
        "petitions": [{"id": r["id"], "content": r["content"], "session": r["session"], "due_on": vn_date(r["due_on"]),
                       "days_overdue": r["days_overdue"]} for r in rows],
        "recipients": _recipients(db, *recipients),
    }
