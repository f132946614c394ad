"""Đôn đốc: the daily reminder run, safe to repeat and fit for cron.

For each agency leading overdue petitions, one reminder letter (.docx from the `reminder`
template) and a plain-text summary for mail. The reminder log makes a second run on the
same day write nothing new; a petition is reminded again only after remind.interval_days
working days; once a petition has been reminded remind.escalate_after times, the letter
escalates (to the agency head, copied to the chair).

With sending, each agency gets one e-mail a working day (the letter attached, its overdue
petitions and those due within remind.due_soon_days — each announced once — in the body,
supporting agencies in copy), and the office gets its own: petitions still unassigned past
their assignment point (the session's review_by, when the notice of conclusions must name
the agency that answers), session milestones due within remind.milestone_days or missed,
and the day's summary.

Cost: every query goes through an index on what is being reminded (overdue or due-soon
range of petitions_overdue, an agency's own range of petitions_agency_due, the history of
only those petitions), so a run grows with the reminders it writes, not with the base.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from doithoai import deadlines, settings
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError, Fix, fix
from doithoai.fileio import make_private_dir, write_atomic
from doithoai.records import Agency
from doithoai.statuses import DaysOverdue, open_sql, overdue_sql
from doithoai.text import vn_date

Phrase = Callable[[Fix], str]  # the CLI's words for a Fix, with the command to type
UNASSIGNED_LISTED = 30  # per session in the office's mail; the count is always complete


def _in(n: int) -> str:
    return ",".join("?" * n)


def plan(db, as_of: dt.date) -> list[dict]:
    """What a run on `as_of` would send: one entry per agency, with the petitions due a reminder."""
    cal = deadlines.load_calendar(db)
    interval = int(settings.get(db, "remind.interval_days"))
    escalate_after = int(settings.get(db, "remind.escalate_after"))
    sessions = {r[0]: r[1] for r in db.execute("SELECT id, code FROM sessions")}
    agencies = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, code, name FROM agencies")}
    rows = db.execute(
        f"""SELECT p.id, p.session_id, p.content, p.lead_agency_id, p.due_on,
                   (SELECT MAX(r.on_date) FROM reminders r WHERE r.petition_id = p.id),
                   (SELECT COUNT(*) FROM reminders r WHERE r.petition_id = p.id)
            FROM petitions p
            WHERE {overdue_sql("p")} AND p.lead_agency_id IS NOT NULL""",
        [as_of.isoformat()]).fetchall()
    letters: dict[int, dict] = {}
    late = DaysOverdue(lambda: cal, as_of)  # every row here is overdue (overdue_sql)
    for pid, sid, content, aid, due, last_on, times in rows:
        if last_on:
            last = dt.date.fromisoformat(last_on)
            if last >= as_of or cal.working_days_between(last, as_of) < interval:
                continue
        code, name = agencies[aid]
        letter = letters.setdefault(aid, {"agency": code, "agency_name": name, "petitions": [], "level": 1})
        letter["petitions"].append({"id": pid, "session": sessions[sid], "content": content, "due_on": due,
                                    "days_overdue": late.of_due(due)})
        letter["level"] = max(letter["level"], times + 1)
    for letter in letters.values():
        letter["escalated"] = letter["level"] > escalate_after
        letter["petitions"].sort(key=lambda p: (p["due_on"], p["id"]))
    return sorted(letters.values(), key=lambda x: x["agency"])


def due_soon(db, as_of: dt.date) -> dict[str, list[dict]]:
    """Per lead agency code, open petitions due within remind.due_soon_days working days that
    were never announced (due_notices)."""
    cal = deadlines.load_calendar(db)
    horizon = cal.add_days(as_of, int(settings.get(db, "remind.due_soon_days")))
    sessions = {r[0]: r[1] for r in db.execute("SELECT id, code FROM sessions")}
    agencies = {r[0]: r[1] for r in db.execute("SELECT id, code FROM agencies")}
    out: dict[str, list[dict]] = {}
    for pid, sid, content, aid, due in db.execute(
            f"""SELECT p.id, p.session_id, p.content, p.lead_agency_id, p.due_on FROM petitions p
                WHERE {open_sql("p")} AND p.due_on >= ? AND p.due_on <= ? AND p.lead_agency_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM due_notices d WHERE d.petition_id = p.id)
                ORDER BY p.due_on, p.id""", [as_of.isoformat(), horizon.isoformat()]):
        out.setdefault(agencies[aid], []).append({
            "id": pid, "session": sessions[sid], "content": content, "due_on": due,
            "days_left": cal.working_days_between(as_of, dt.date.fromisoformat(due))})
    return out


def office_items(db, as_of: dt.date, within: int | None = None) -> dict:
    """What the office itself must do: assign what is still unassigned past the session's
    review_by, and the session milestones due within remind.milestone_days or missed."""
    cal = deadlines.load_calendar(db)
    horizon = cal.add_days(as_of, within or int(settings.get(db, "remind.milestone_days")))
    today = as_of.isoformat()
    unassigned = []
    for s in db.query("SELECT id, code, commune, date, review_by FROM sessions WHERE review_by < ? AND status NOT IN ('closed', 'cancelled') "
                      "ORDER BY date, id", [today]):
        ids = [r[0] for r in db.execute("SELECT id FROM petitions WHERE session_id = ? AND status = 'new' "
                                        "AND lead_agency_id IS NULL ORDER BY id", [s["id"]])]
        if ids:
            unassigned.append({"session": s["code"], "commune": s["commune"], "review_by": s["review_by"],
                               "count": len(ids), "petition_ids": ids[:UNASSIGNED_LISTED],
                               "days_late": cal.working_days_between(dt.date.fromisoformat(s["review_by"]), as_of)})
    reported = {r[0] for r in db.execute("SELECT DISTINCT session_id FROM documents WHERE kind = 'report' "
                                         "AND session_id IS NOT NULL")}
    milestones = []
    for s in db.query("SELECT * FROM sessions WHERE status NOT IN ('closed', 'cancelled') ORDER BY date, id"):
        due_items = []
        if s["status"] == "planned" and s["notice_by"]:
            due_items.append(("notice", "Gửi giấy mời, thông báo hội nghị", s["notice_by"]))
        if s["status"] in ("planned", "notice_sent", "held") and s["review_by"]:
            due_items.append(("review", "Rút kinh nghiệm, ban hành thông báo kết luận", s["review_by"]))
        if s["id"] not in reported and s["answer_due"]:
            due_items.append(("report", "Báo cáo kết quả hội nghị", s["answer_due"]))
        for key, label, due in due_items:
            if due > horizon.isoformat():
                continue
            day = dt.date.fromisoformat(due)
            missed = due < today
            milestones.append({"session": s["code"], "commune": s["commune"], "milestone": key, "label": label,
                               "due_on": due, "missed": missed,
                               "days": cal.working_days_between(day, as_of) if missed else cal.working_days_between(as_of, day)})
    milestones.sort(key=lambda m: (m["due_on"], m["session"]))
    return {"unassigned": unassigned, "milestones": milestones}


def mail_text(letter: dict, agency: Agency, number: str, as_of: dt.date, soon: Sequence[dict] = ()) -> str:
    head = f"{agency['head']} " if letter.get("escalated") and agency["head"] else ""
    lines = [f"Kính gửi: {head}{agency['name']}" + (f" <{agency['email']}>" if agency["email"] else "")]
    if letter.get("petitions"):
        lines += [
            f"V/v đôn đốc trả lời kiến nghị của công dân (văn bản số {number} ngày {vn_date(as_of)})"
            + (f" — lần {letter['level']}, đồng gửi người chủ trì" if letter.get("escalated") else ""),
            "",
            f"Đến ngày {vn_date(as_of)}, {agency['name']} còn {len(letter['petitions'])} kiến nghị được giao chủ trì "
            "đã quá hạn trả lời bằng văn bản:",
        ]
        for i, p in enumerate(letter["petitions"], start=1):
            lines.append(f"{i}. Kiến nghị số {p['id']} ({p['session']}): {p['content']} — hạn {vn_date(p['due_on'])}, "
                         f"quá {p['days_overdue']} ngày làm việc.")
        lines += ["", "Đề nghị khẩn trương trả lời bằng văn bản cho công dân và báo cáo kết quả."]
    if soon:
        lines += ["", f"Các kiến nghị sắp đến hạn trả lời ({len(soon)}):"]
        for i, p in enumerate(soon, start=1):
            left = "đến hạn hôm nay" if p["days_left"] == 0 else f"còn {p['days_left']} ngày làm việc"
            lines.append(f"{i}. Kiến nghị số {p['id']} ({p['session']}): {p['content']} — hạn {vn_date(p['due_on'])}, {left}.")
    return "\n".join([*lines, ""])


def _signature(db) -> str:
    office = settings.get(db, "unit.office") or f"Văn phòng {settings.get(db, 'unit.name')}"
    return f"\n--\n{office}\n(Thư gửi tự động từ doithoai; trả lời thư này để liên hệ Văn phòng.)\n"


def office_text(db, as_of: dt.date, items: dict, letters: list[dict], no_email: list[dict],
                phrase: Phrase | None = None) -> str:
    """The office's daily mail. `phrase` (the CLI's) turns a Fix into the sentence with the
    command to type; without it the mail names what to do in words only."""
    def how(f: Fix, words: str) -> str:
        return phrase(f) if phrase else words

    lines = [f"Nhắc việc ngày {vn_date(as_of)}", ""]
    if letters:
        lines.append(f"Đôn đốc hôm nay: {len(letters)} cơ quan, {sum(len(x['petitions']) for x in letters)} kiến nghị quá hạn.")
        lines += [f"- {x['agency']} {x['agency_name']}: {len(x['petitions'])} kiến nghị, lần {x['level']}"
                  + (" (gửi thủ trưởng, đồng gửi người chủ trì)" if x["escalated"] else "") for x in letters]
        lines.append("")
    if no_email:
        lines.append("Cơ quan chưa có địa chỉ thư (văn bản đã tạo nhưng chưa gửi được):")
        lines += [f"- {a['code']} {a['name']}: " + how(fix("agency.add_email", code=a["code"]), "Thêm địa chỉ thư của cơ quan.")
                  for a in no_email]
        lines.append("")
    if items["unassigned"]:
        total = sum(u["count"] for u in items["unassigned"])
        lines.append(f"Kiến nghị chưa giao cơ quan trả lời, đã quá hạn thông báo kết luận ({total}):")
        for u in items["unassigned"]:
            more = f" và {u['count'] - len(u['petition_ids'])} kiến nghị khác" if u["count"] > len(u["petition_ids"]) else ""
            lines.append(f"- {u['session']} ({u['commune']}), hạn {vn_date(u['review_by'])}, quá {u['days_late']} ngày làm việc: "
                         f"{u['count']} kiến nghị — số {', '.join(map(str, u['petition_ids']))}{more}")
        lines += ["  " + how(fix("petition.assign"), "Giao cơ quan trả lời cho các kiến nghị này."), ""]
    if items["milestones"]:
        lines.append("Mốc của các cuộc đối thoại:")
        for m in items["milestones"]:
            when = (f"đã quá hạn {m['days']} ngày làm việc" if m["missed"] else
                    "đến hạn hôm nay" if m["days"] == 0 else f"còn {m['days']} ngày làm việc")
            lines.append(f"- {m['session']} ({m['commune']}): {m['label']} — hạn {vn_date(m['due_on'])}, {when}.")
        lines.append("")
    return "\n".join(lines)


def day_off(db, as_of: dt.date) -> str | None:
    """Why `as_of` is not a working day (None when it is one)."""
    cal = deadlines.load_calendar(db)
    return None if cal.is_working_day(as_of) else cal.reason(as_of)


def run(db, as_of: dt.date, out_dir: Path, *, dry_run: bool = False, force: bool = False, send: bool = False,
        phrase: Phrase | None = None) -> dict:
    """Write the letters and log them (and, with send, queue the day's messages), in the caller's transaction.
    `phrase`: how the office mail words a Fix (see office_text)."""
    from doithoai import agencies
    from doithoai.documents import engine

    reason = day_off(db, as_of)
    if reason and not force:
        return {"as_of": as_of.isoformat(), "working_day": False, "day_off_reason": reason, "letters": [],
                "due_soon": {}, "office": {"unassigned": [], "milestones": []}, "queued": []}
    letters = plan(db, as_of)
    soon = due_soon(db, as_of)
    items = office_items(db, as_of)
    result = {"as_of": as_of.isoformat(), "working_day": True, "day_off_reason": reason, "letters": letters,
              "due_soon": soon, "office": items, "dry_run": dry_run, "queued": []}
    if dry_run:
        return result
    written: list[Path] = []
    if letters:
        out_dir = Path(out_dir)
        try:
            make_private_dir(out_dir)
        except OSError as e:
            raise DoithoaiError(f"Không tạo được thư mục {out_dir}: {e.strerror}.", fix=fix("remind.other_out")) from None
    by_code = {}
    try:
        for letter in letters:
            a = agencies.get(db, letter["agency"])
            by_code[a["code"]] = a
            stem = f"don-doc-{a['code']}-{as_of.isoformat()}"
            doc = engine.generate(db, "reminder", out_dir / f"{stem}.docx", doc_date=as_of, agency_id=a["id"],
                                  agency=a["code"], as_of=as_of, level=letter["level"],
                                  petition_ids=[p["id"] for p in letter["petitions"]], key_suffix=f":{as_of.isoformat()}")
            written.append(out_dir / f"{stem}.docx")
            text_path = out_dir / f"{stem}.txt"
            write_atomic(text_path, mail_text(letter, a, doc["number"], as_of, soon.get(a["code"], [])).encode("utf-8"),
                         mode=0o600)
            written.append(text_path)
            db.conn.executemany("INSERT INTO reminders (petition_id, agency_id, on_date, level, document_id, created_at) "
                           "VALUES (?,?,?,?,?,?)", [[p["id"], a["id"], as_of.isoformat(), letter["level"], doc["id"], now_utc()]
                                                    for p in letter["petitions"]])
            letter.update({"number": doc["number"], "document_id": doc["id"], "docx": str(out_dir / f"{stem}.docx"),
                           "text": str(text_path), "email": a["email"]})
            log_event(db, "remind", "agencies", a["id"], None,
                      {"on": as_of.isoformat(), "level": letter["level"], "petitions": [p["id"] for p in letter["petitions"]]})
        if send:
            earlier = _unmailed_letters(db, as_of, {letter["agency"] for letter in letters})
            for letter in earlier:
                by_code[letter["agency"]] = agencies.get(db, letter["agency"])
            result["queued"] = _queue_day(db, as_of, letters + earlier, soon, items, by_code, phrase)
            result["earlier_letters"] = earlier
    except BaseException:
        for path in written:  # the transaction rolls back: leave no letters it does not record
            path.unlink(missing_ok=True)
        raise
    return result


def _unmailed_letters(db, as_of: dt.date, skip: set[str]) -> list[dict]:
    """Letters written earlier today by a run without sending (the clerk sends later): rebuilt
    from the reminder log and the register, so they go out like today's others."""
    day = as_of.isoformat()
    late = DaysOverdue(lambda: deadlines.load_calendar(db), as_of)  # as when the letter was written
    escalate_after = int(settings.get(db, "remind.escalate_after"))
    out = []
    for agency_id, document_id, level in db.execute(
            """SELECT r.agency_id, r.document_id, MAX(r.level) FROM reminders r
               WHERE r.on_date = ? AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.target = 'agency'
                     AND o.agency_id = r.agency_id AND o.on_date = r.on_date)
               GROUP BY r.agency_id, r.document_id""", [day]).fetchall():
        code, name = db.execute("SELECT code, name FROM agencies WHERE id = ?", [agency_id]).fetchone()
        if code in skip:
            continue
        doc = db.execute("SELECT path, number_text FROM documents WHERE id = ?", [document_id]).fetchone()
        petitions = [{"id": pid, "session": session, "content": content, "due_on": due,
                      "days_overdue": late.of_due(due)}
                     for pid, session, content, due in db.execute(
                         """SELECT p.id, s.code, p.content, p.due_on FROM reminders r JOIN petitions p ON p.id = r.petition_id
                            JOIN sessions s ON s.id = p.session_id WHERE r.on_date = ? AND r.agency_id = ?
                            AND r.document_id IS ? ORDER BY p.due_on, p.id""", [day, agency_id, document_id])]
        out.append({"agency": code, "agency_name": name, "petitions": petitions, "level": level,
                    "escalated": level > escalate_after, "document_id": document_id,
                    "docx": doc[0] if doc else "", "number": doc[1] if doc else ""})
    return out


def _queue_day(db, as_of: dt.date, letters: list[dict], soon: dict, items: dict, by_code: dict,
               phrase: Phrase | None) -> list[int]:
    """One message per agency (letter and/or due-soon notice) and one for the office, for this day."""
    from doithoai import agencies, mail

    day = as_of.isoformat()
    queued, no_email = [], []
    signature = _signature(db)
    for letter in letters:
        a = by_code[letter["agency"]]
        subject = (f"Đôn đốc trả lời kiến nghị của công dân — {a['name']} — {len(letter['petitions'])} kiến nghị quá hạn"
                   + (f" (lần {letter['level']})" if letter["level"] > 1 else ""))
        body = mail_text(letter, a, letter["number"], as_of, soon.get(a["code"], [])) + signature
        outbox_id = mail.queue(db, "agency", day, subject, body, agency_id=a["id"],
                               attachments=[letter["docx"]] if letter["docx"] else [],
                               petition_ids=[p["id"] for p in letter["petitions"]], escalated=letter["escalated"],
                               document_id=letter["document_id"])
        if outbox_id:
            queued.append(outbox_id)
            _mark_due_notices(db, soon.get(a["code"], []), day)
        if not a["email"]:
            no_email.append(a)
    for code, petitions in soon.items():
        if code in by_code:
            continue
        a = agencies.get(db, code)
        subject = f"Kiến nghị sắp đến hạn trả lời — {a['name']} — {len(petitions)} kiến nghị"
        body = mail_text({}, a, "", as_of, petitions) + "\nĐề nghị chuẩn bị trả lời bằng văn bản đúng hạn.\n" + signature
        outbox_id = mail.queue(db, "agency", day, subject, body, agency_id=a["id"], petition_ids=[p["id"] for p in petitions])
        if outbox_id:
            queued.append(outbox_id)
            _mark_due_notices(db, petitions, day)
        if not a["email"]:
            no_email.append(a)
    if letters or items["unassigned"] or items["milestones"] or no_email:
        unit = settings.get(db, "unit.name")
        outbox_id = mail.queue(db, "office", day, f"Nhắc việc ngày {vn_date(as_of)} — {unit}",
                               office_text(db, as_of, items, letters, no_email, phrase) + signature)
        if outbox_id:
            queued.append(outbox_id)
    return queued


def preview(db, as_of: dt.date, result: dict) -> list[dict]:
    """The messages a sending run would deliver now (for --dry-run): new ones, then retries."""
    from doithoai import agencies, mail

    cfg = mail.config(db)
    day = as_of.isoformat()
    done = {(r[0], r[1]) for r in db.execute("SELECT target, IFNULL(agency_id, 0) FROM mail_outbox WHERE on_date = ?", [day])}
    out = []

    def add(target, agency, petition_ids, escalated, what):
        if (target, agency["id"] if agency else 0) in done:
            return
        item = {"target": target, "agency_id": agency["id"] if agency else None, "petition_ids": petition_ids,
                "escalated": escalated}
        to, cc, problem = mail.recipients(db, cfg, item)
        out.append({"target": target, "agency": agency["code"] if agency else "", "what": what, "to": to, "cc": cc,
                    "problem": problem or "", "retry": False})

    letters = result["letters"] + _unmailed_letters(db, as_of, {x["agency"] for x in result["letters"]})
    for letter in letters:
        a = agencies.get(db, letter["agency"])
        soon = len(result["due_soon"].get(a["code"], []))
        add("agency", a, [p["id"] for p in letter["petitions"]], letter["escalated"],
            f"văn bản đôn đốc, {len(letter['petitions'])} quá hạn" + (f", {soon} sắp đến hạn" if soon else ""))
    for code, petitions in result["due_soon"].items():
        if code not in {x["agency"] for x in letters}:
            add("agency", agencies.get(db, code), [p["id"] for p in petitions], False, f"{len(petitions)} sắp đến hạn")
    if letters or result["office"]["unassigned"] or result["office"]["milestones"]:
        add("office", None, [], False, "nhắc việc của Văn phòng")
    for r in mail.unsent(db):
        to, cc, problem = mail.recipients(db, cfg, r)
        out.append({"target": r["target"], "agency": r.get("agency") or "", "what": f"gửi lại thư ngày {vn_date(r['on_date'])}",
                    "to": to, "cc": cc, "problem": problem or "", "retry": True})
    return out


def _mark_due_notices(db, petitions: list[dict], day: str) -> None:
    db.conn.executemany("INSERT OR IGNORE INTO due_notices (petition_id, on_date) VALUES (?, ?)", [[p["id"], day] for p in petitions])


def attach_pdfs(db, outbox_ids: list[int]) -> list[str]:
    """Add a PDF copy of each queued letter when LibreOffice is present (setting mail.pdf=auto).
    Best effort: a letter without its PDF still goes out with the .docx. Returns the PDFs made."""
    import json
    import shutil
    import subprocess
    import tempfile

    from doithoai import mail
    from doithoai.db import transaction

    if settings.get(db, "mail.pdf") != "auto" or not outbox_ids:
        return []
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return []
    wanted = {}
    for oid, attachments in db.execute(f"SELECT id, attachments FROM mail_outbox WHERE id IN ({_in(len(outbox_ids))})",
                                       outbox_ids):
        docs = [p for p in json.loads(attachments) if p.endswith(".docx")]
        if docs:
            wanted[oid] = Path(docs[0])
    if not wanted:
        return []
    made = []
    with tempfile.TemporaryDirectory() as profile:
        outdir = next(iter(wanted.values())).parent
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(outdir), *map(str, wanted.values())],
                           capture_output=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return []
    with transaction(db):
        for oid, docx in wanted.items():
            pdf = docx.with_suffix(".pdf")
            if pdf.exists():
                pdf.chmod(0o600)
                mail.add_attachment(db, oid, str(pdf))
                made.append(str(pdf))
    return made
