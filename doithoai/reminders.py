"""Đôn đốc: the daily reminder run, safe to repeat and fit for cron.

For each agency leading overdue petitions, one reminder letter (.docx from the `reminder`
template) and a plain-text summary for mail. The reminder log makes a second run on the
same day write nothing new; a petition is reminded again only after remind.interval_days
working days; once a petition has been reminded remind.escalate_after times, the letter
escalates (to the agency head, copied to the chair).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from doithoai import deadlines, reports, settings
from doithoai.db import log_event, now_utc
from doithoai.errors import DoithoaiError
from doithoai.fileio import make_private_dir, write_atomic
from doithoai.text import vn_date


def plan(db, as_of: dt.date) -> list[dict]:
    """What a run on `as_of` would send: one entry per agency, with the petitions due a reminder."""
    cal = deadlines.load_calendar(db)
    interval = int(settings.get(db, "remind.interval_days"))
    escalate_after = int(settings.get(db, "remind.escalate_after"))
    history = {r["petition_id"]: r for r in db.query(
        "SELECT petition_id, MAX(on_date) AS last_on, COUNT(*) AS times FROM reminders GROUP BY petition_id")}
    letters: dict[str, dict] = {}
    for r in reports.overdue(db, as_of):
        if not r["lead_agency"]:
            continue  # nobody to remind: it must be assigned first (listed by `report overdue`)
        h = history.get(r["id"])
        if h:
            last = dt.date.fromisoformat(h["last_on"])
            if last >= as_of or cal.working_days_between(last, as_of) < interval:
                continue
        times = h["times"] if h else 0
        letter = letters.setdefault(r["lead_agency"], {"agency": r["lead_agency"], "agency_name": r["lead_agency_name"],
                                                       "petitions": [], "level": 1})
        letter["petitions"].append(r)
        letter["level"] = max(letter["level"], times + 1)
    for letter in letters.values():
        letter["escalated"] = letter["level"] > escalate_after
    return sorted(letters.values(), key=lambda x: x["agency"])


def mail_text(letter: dict, agency: dict, number: str, as_of: dt.date) -> str:
    head = f"{agency['head']} " if letter["escalated"] and agency["head"] else ""
    lines = [
        f"Kính gửi: {head}{agency['name']}" + (f" <{agency['email']}>" if agency["email"] else ""),
        f"V/v đôn đốc trả lời kiến nghị của công dân (văn bản số {number} ngày {vn_date(as_of)})"
        + (f" — lần {letter['level']}, đồng gửi người chủ trì" if letter["escalated"] else ""),
        "",
        f"Đến ngày {vn_date(as_of)}, {agency['name']} còn {len(letter['petitions'])} kiến nghị được giao chủ trì "
        "đã quá hạn trả lời bằng văn bản:",
    ]
    for i, p in enumerate(letter["petitions"], start=1):
        lines.append(f"{i}. Kiến nghị số {p['id']} ({p['session']}): {p['content']} — hạn {vn_date(p['due_on'])}, "
                     f"quá {p['days_overdue']} ngày làm việc.")
    lines += ["", "Đề nghị khẩn trương trả lời bằng văn bản cho công dân và báo cáo kết quả.", ""]
    return "\n".join(lines)


def run(db, as_of: dt.date, out_dir: Path, *, dry_run: bool = False, force: bool = False) -> dict:
    """Write the letters and log them, in the caller's transaction."""
    from doithoai import agencies
    from doithoai.documents import engine

    if not deadlines.load_calendar(db).is_working_day(as_of) and not force:
        return {"as_of": as_of.isoformat(), "working_day": False, "letters": []}
    letters = plan(db, as_of)
    if dry_run or not letters:
        return {"as_of": as_of.isoformat(), "working_day": True, "letters": letters, "dry_run": dry_run}
    out_dir = Path(out_dir)
    try:
        make_private_dir(out_dir)
    except OSError as e:
        raise DoithoaiError(f"Không tạo được thư mục {out_dir}: {e.strerror}.", "Chọn thư mục khác cho --out.") from None
    written: list[Path] = []
    try:
        for letter in letters:
            a = agencies.get(db, letter["agency"])
            stem = f"don-doc-{a['code']}-{as_of.isoformat()}"
            doc = engine.generate(db, "reminder", out_dir / f"{stem}.docx", doc_date=as_of, agency_id=a["id"],
                                  agency=a["code"], as_of=as_of, level=letter["level"],
                                  petition_ids=[p["id"] for p in letter["petitions"]], key_suffix=f":{as_of.isoformat()}")
            written.append(out_dir / f"{stem}.docx")
            text_path = out_dir / f"{stem}.txt"
            write_atomic(text_path, mail_text(letter, a, doc["number"], as_of).encode("utf-8"))
            written.append(text_path)
            for p in letter["petitions"]:
                db.execute("INSERT INTO reminders (petition_id, agency_id, on_date, level, document_id, created_at) "
                           "VALUES (?,?,?,?,?,?)", [p["id"], a["id"], as_of.isoformat(), letter["level"], doc["id"], now_utc()])
            letter.update({"number": doc["number"], "docx": str(out_dir / f"{stem}.docx"), "text": str(text_path),
                           "email": a["email"]})
            log_event(db, "remind", "agencies", a["id"], None,
                      {"on": as_of.isoformat(), "level": letter["level"], "petitions": [p["id"] for p in letter["petitions"]]})
    except BaseException:
        for path in written:  # the transaction rolls back: leave no letters it does not record
            path.unlink(missing_ok=True)
        raise
    return {"as_of": as_of.isoformat(), "working_day": True, "letters": letters, "dry_run": False}
