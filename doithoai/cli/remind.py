"""`doithoai remind`: the daily đôn đốc run (cron-friendly, idempotent), optionally by e-mail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import AsOfOpt, Fmt, FormatOpt, open_db, today
from doithoai.cli._output import Col, emit, info, out, warn


def remind(
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi văn bản đôn đốc (.docx) và bản tóm tắt gửi thư (.txt).")],
    as_of: AsOfOpt = None,
    send: Annotated[bool, typer.Option("--send", help="Gửi thư điện tử: mỗi cơ quan một thư mỗi ngày làm việc (kèm văn bản), "
                                                      "Văn phòng một thư nhắc việc; gửi lại các thư lần trước chưa gửi được.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê sẽ đôn đốc, gửi những gì; không ghi, không gửi gì.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Chạy cả vào ngày nghỉ.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Nói rõ đã làm gì và vì sao (kể cả vì sao ngày nghỉ không chạy).")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Đôn đốc các cơ quan có kiến nghị quá hạn: mỗi cơ quan một văn bản và một bản tóm tắt gửi thư.

    Chạy lại trong cùng ngày không tạo gì mới; một kiến nghị chỉ được nhắc lại sau remind.interval_days
    ngày làm việc; nhắc quá remind.escalate_after lần thì văn bản gửi thủ trưởng, đồng gửi người chủ trì.
    Với --send: gửi thư (thiết lập mail.*), kể cả kiến nghị sắp đến hạn, kiến nghị chưa giao và các mốc
    của cuộc đối thoại cho Văn phòng. Ngày nghỉ không làm gì (trừ khi --force).
    """
    from doithoai import mail, reminders
    from doithoai.cli._errors import phrase
    from doithoai.db import transaction
    from doithoai.maintenance import verify_daily
    from doithoai.text import vn_date

    db = open_db()
    now = today(as_of)
    # cron: never a silent wrong answer from a damaged file. The page check is once per calendar
    # day (the day it runs, not --as-of): a `db check` earlier today already did it.
    verify_daily(db, today())
    if send:
        cfg = mail.config(db)
        mail.require_ready(cfg)
        mail.password(cfg)  # refuse before writing anything when the password cannot be read
    with transaction(db, rollback=dry_run):
        result = reminders.run(db, now, out_dir, dry_run=dry_run, force=force, send=send, phrase=phrase)
    would_send = reminders.preview(db, now, result) if send and dry_run and result["working_day"] else []
    deliveries = []
    if send and result["working_day"] and not dry_run:
        reminders.attach_pdfs(db, result["queued"])
        deliveries = mail.send_unsent(db)
    rows = [{"agency": letter["agency"], "agency_name": letter["agency_name"], "petitions": len(letter["petitions"]),
             "petition_ids": [p["id"] for p in letter["petitions"]], "level": letter["level"],
             "escalated": letter["escalated"], "number": letter.get("number", ""), "docx": letter.get("docx", ""),
             "text": letter.get("text", ""), "email": letter.get("email", "")}
            for letter in result["letters"]]
    sent_rows = [{"id": d["id"], "target": d["target"], "agency": d.get("agency") or "", "on_date": d["on_date"],
                  "subject": d["subject"], "to": d["to"], "cc": d["cc"], "message_id": d["message_id"],
                  "result": d["result"], "error": d["error"], "attempts": d["attempts"]} for d in deliveries]
    if fmt == Fmt.json:
        out(json.dumps({"as_of": result["as_of"], "working_day": result["working_day"],
                        "day_off_reason": result.get("day_off_reason"), "dry_run": dry_run, "letters": rows,
                        "due_soon": result["due_soon"], "office": result["office"],
                        "would_send": would_send,
                        "deliveries": sent_rows}, ensure_ascii=False, indent=2))
        return
    if not result["working_day"]:
        info(f"Ngày {vn_date(now)} là ngày nghỉ: không đôn đốc, không gửi thư (dùng --force nếu vẫn muốn chạy).")
        if verbose:
            info(f"Lý do: {result['day_off_reason']}.")
        return
    if verbose and result.get("day_off_reason"):
        info(f"Ngày {vn_date(now)} là ngày nghỉ ({result['day_off_reason']}) nhưng vẫn chạy vì có --force.")
    if rows:
        emit(rows, [Col("agency", "Cơ quan", "code"), Col("agency_name", "Tên"), Col("petitions", "Kiến nghị", "int"),
                    Col("level", "Lần", "int"), Col("escalated", "Gửi thủ trưởng", "bool"), Col("number", "Số văn bản", "code"),
                    Col("docx", "Tệp"), Col("email", "Thư điện tử")], fmt.value)
        info(("Chạy thử: chưa ghi gì. " if dry_run else "") + f"{len(rows)} cơ quan, "
             f"{sum(r['petitions'] for r in rows)} kiến nghị quá hạn được đôn đốc ngày {vn_date(now)}.")
    else:
        info(f"Ngày {vn_date(now)}: không có kiến nghị nào cần đôn đốc (hoặc đã đôn đốc hôm nay).")
    soon = result["due_soon"]
    if soon:
        info("Sắp đến hạn (chưa báo trước): " + ", ".join(f"{code} {len(p)}" for code, p in sorted(soon.items())) + " kiến nghị.")
    office = result["office"]
    if office["unassigned"]:
        info(f"Chưa giao: {sum(u['count'] for u in office['unassigned'])} kiến nghị ở {len(office['unassigned'])} "
             "cuộc đối thoại đã quá hạn thông báo kết luận mà chưa giao cơ quan trả lời"
             + (":" if verbose else " (chi tiết: -v)."))
    if verbose:
        for u in office["unassigned"]:
            info(f"  {u['session']}: {u['count']} kiến nghị (số {', '.join(map(str, u['petition_ids']))}"
                 f"{'…' if u['count'] > len(u['petition_ids']) else ''}), hạn {vn_date(u['review_by'])}, "
                 f"quá {u['days_late']} ngày làm việc.")
    if office["milestones"]:
        missed = sum(1 for m in office["milestones"] if m["missed"])
        info(f"Mốc của cuộc đối thoại: {missed} đã quá hạn, {len(office['milestones']) - missed} sắp đến hạn"
             + (":" if verbose else " (chi tiết: -v)."))
    if verbose:
        for m in office["milestones"]:
            when = (f"đã quá hạn {m['days']} ngày làm việc" if m["missed"] else f"còn {m['days']} ngày làm việc")
            info(f"  {m['session']} — {m['label']}, hạn {vn_date(m['due_on'])}, {when}.")
    if rows and not send and verbose:
        missing = [r["agency"] for r in rows if not r["email"]]
        if missing:
            info("Chưa có địa chỉ thư: " + ", ".join(missing) + " (thêm bằng `doithoai agency edit MÃ --email …`).")
    if send and dry_run:
        info(f"Chạy thử với --send: sẽ gửi {len(would_send)} thư; chưa gửi gì:" if would_send else
             "Chạy thử với --send: không có thư nào để gửi.")
        for w in would_send:
            who = w["agency"] or "Văn phòng"
            where = (f"tới {', '.join(w['to'])}" + (f", đồng gửi {', '.join(w['cc'])}" if w["cc"] else "")
                     if not w["problem"] else f"KHÔNG gửi được: {w['problem']}")
            info(f"  {who}: {w['what']} — {where}")
    for d in sent_rows:
        who = d["agency"] or ("Văn phòng" if d["target"] == "office" else d["target"])
        if d["result"] == "sent":
            info(f"Đã gửi thư cho {who}: {', '.join(d['to'] + d['cc'])} (Message-ID {d['message_id']}).")
        else:
            warn(f"Chưa gửi được thư cho {who} (lần thử {d['attempts']}): {d['error']}. Lần chạy sau sẽ gửi lại.")
            if d["target"] == "agency" and "chưa có địa chỉ thư" in d["error"]:
                info(f"Gợi ý: `doithoai agency edit {d['agency']} --email …`.")
            if d["target"] == "office" and "mail.office" in d["error"]:
                info("Gợi ý: `doithoai config set mail.office vanphong@…`.")
    if any(d["result"] == "failed" for d in sent_rows):
        raise typer.Exit(1)
