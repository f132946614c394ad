"""`doithoai remind`: the daily đôn đốc run (cron-friendly, idempotent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import AsOfOpt, Fmt, FormatOpt, open_db, today
from doithoai.cli._output import Col, emit, info, out


def remind(
    out_dir: Annotated[Path, typer.Option("--out", help="Thư mục ghi văn bản đôn đốc (.docx) và bản tóm tắt gửi thư (.txt).")],
    as_of: AsOfOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê sẽ đôn đốc những gì, không ghi gì.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Chạy cả vào ngày nghỉ.")] = False,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Đôn đốc các cơ quan có kiến nghị quá hạn: mỗi cơ quan một văn bản và một bản tóm tắt gửi thư.

    Chạy lại trong cùng ngày không tạo gì mới; một kiến nghị chỉ được nhắc lại sau remind.interval_days
    ngày làm việc; nhắc quá remind.escalate_after lần thì văn bản gửi thủ trưởng, đồng gửi người chủ trì.
    Ngày nghỉ không làm gì (trừ khi --force).
    """
    from doithoai import reminders
    from doithoai.db import transaction
    from doithoai.text import vn_date

    from doithoai.maintenance import verify_daily

    db = open_db()
    now = today(as_of)
    verify_daily(db, now)  # cron: never a silent wrong answer from a damaged file
    with transaction(db, rollback=dry_run):
        result = reminders.run(db, now, out_dir, dry_run=dry_run, force=force)
    rows = [{"agency": letter["agency"], "agency_name": letter["agency_name"], "petitions": len(letter["petitions"]),
             "petition_ids": [p["id"] for p in letter["petitions"]], "level": letter["level"],
             "escalated": letter["escalated"], "number": letter.get("number", ""), "docx": letter.get("docx", ""),
             "text": letter.get("text", ""), "email": letter.get("email", "")}
            for letter in result["letters"]]
    if fmt == Fmt.json:
        out(json.dumps({"as_of": result["as_of"], "working_day": result["working_day"], "dry_run": dry_run,
                        "letters": rows}, ensure_ascii=False, indent=2))
        return
    if not result["working_day"]:
        info(f"Ngày {vn_date(now)} là ngày nghỉ: không đôn đốc (dùng --force nếu vẫn muốn chạy).")
        return
    if not rows:
        info(f"Ngày {vn_date(now)}: không có kiến nghị nào cần đôn đốc (hoặc đã đôn đốc hôm nay).")
        return
    emit(rows, [Col("agency", "Cơ quan"), Col("agency_name", "Tên"), Col("petitions", "Kiến nghị", "int"),
                Col("level", "Lần", "int"), Col("escalated", "Gửi thủ trưởng", "bool"), Col("number", "Số văn bản"),
                Col("docx", "Tệp")], fmt.value)
    info(("Chạy thử: chưa ghi gì. " if dry_run else "") + f"{len(rows)} cơ quan, "
         f"{sum(r['petitions'] for r in rows)} kiến nghị quá hạn được đôn đốc ngày {vn_date(now)}.")
