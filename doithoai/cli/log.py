"""`doithoai log`: the append-only event log, one readable sentence per event, in local time."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from doithoai.cli._options import ColumnsOpt, ListFmt, ListFormatOpt, OutputOpt, complete_petition, open_db
from doithoai.cli._output import Col, emit

# action → what happened, as a clerk says it; {id} is the entity's number
_SENTENCES = {
    "petition.add": "Tiếp nhận kiến nghị số {id}",
    "petition.import": "Nhập lô kiến nghị",
    "petition.assign": "Giao kiến nghị số {id}",
    "petition.answer_meeting": "Ghi trả lời tại hội nghị cho kiến nghị số {id}",
    "petition.answer_written": "Ghi trả lời bằng văn bản cho kiến nghị số {id}",
    "petition.transfer": "Chuyển kiến nghị số {id}",
    "petition.escalate": "Trình cấp trên kiến nghị số {id}",
    "petition.verify": "Ghi xác minh cho kiến nghị số {id}",
    "petition.conclude": "Ghi kết luận cho kiến nghị số {id}",
    "petition.close": "Đóng kiến nghị số {id}",
    "petition.reopen": "Mở lại kiến nghị số {id}",
    "petition.notify_petitioner": "Ghi đã thông báo người kiến nghị (kiến nghị số {id})",
    "petition.notify_mttq": "Ghi đã gửi MTTQ, đoàn thể (kiến nghị số {id})",
    "session.create": "Tạo cuộc đối thoại số {id}",
    "session.edit": "Sửa cuộc đối thoại số {id}",
    "session.notice_sent": "Gửi giấy mời cuộc đối thoại số {id}",
    "session.held": "Tổ chức cuộc đối thoại số {id}",
    "session.reviewed": "Thông báo kết luận cuộc đối thoại số {id}",
    "session.closed": "Kết thúc, lưu hồ sơ cuộc đối thoại số {id}",
    "session.conclude": "Ghi kết luận chung cuộc đối thoại số {id}",
    "agency.add": "Thêm cơ quan",
    "agency.edit": "Sửa cơ quan",
    "agency.deactivate": "Ngừng cơ quan",
    "agency.activate": "Dùng lại cơ quan",
    "field.add": "Thêm lĩnh vực",
    "config.set": "Đổi thiết lập",
    "calendar.add": "Thêm ngày vào lịch",
    "calendar.remove": "Bỏ ngày khỏi lịch",
    "calendar.confirm": "Xác nhận lịch năm",
    "document.generate": "Lập văn bản",
    "remind": "Đôn đốc",
}
# payload keys worth a word in the sentence, with their Vietnamese names
_DETAILS = {
    "code": "mã", "lead": "chủ trì", "support": "phối hợp", "due_on": "hạn", "to": "đến", "doc_number": "số văn bản",
    "status": "trạng thái", "kind": "loại", "number": "số",
}


def _local_time(at: str | None) -> str:
    import datetime as dt

    if not at:
        return ""
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%d/%m/%Y %H:%M:%S")
    except ValueError:
        return at


def sentence(event: dict) -> str:
    """One event in words: what was done to what, with the few values that say how."""
    from doithoai.statuses import LABELS as STATUS_LABELS

    action = event.get("action") or ""
    text = _SENTENCES.get(action, action).format(id=event.get("entity_id") or "")
    try:
        before = json.loads(event.get("before") or "null") or {}
        after = json.loads(event.get("after") or "null") or {}
    except ValueError:
        return text
    if not isinstance(after, dict):
        return text
    if action == "config.set":
        return text + ": " + "; ".join(f"{k} = {v}" for k, v in after.items())
    parts = []
    for key, name in _DETAILS.items():
        value = after.get(key)
        if value in (None, "", []):
            continue
        if key == "status":
            old = before.get("status") if isinstance(before, dict) else None
            labels = STATUS_LABELS if action.startswith("petition.") else {}
            value = f"{labels.get(old, old)} → {labels.get(value, value)}" if old else labels.get(value, value)
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{name} {value}")
    if action.startswith(("agency.", "field.")) and after.get("name"):
        parts.insert(0, str(after["name"]))
    return text + (": " + "; ".join(parts) if parts else "")


def log(
    petition: Annotated[int | None, typer.Option("--petition", help="Chỉ sự kiện của kiến nghị này.",
                                                    autocompletion=complete_petition)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Số sự kiện gần nhất.")] = 200,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Nhật ký thay đổi (ai, khi nào, làm gì, trước/sau)."""
    from doithoai.db import recent_events

    rows = recent_events(open_db(), petition=petition, limit=limit)
    for r in rows:
        r["local_time"] = _local_time(r.get("at"))
        r["text"] = sentence(r)
    emit(rows, [Col("id", "Số", "int", priority=10), Col("local_time", "Thời điểm", "code", priority=9),
                Col("user", "Người dùng", priority=4), Col("text", "Việc", max_width=80),
                Col("at", "Thời điểm (UTC)", table=False), Col("action", "Mã việc", table=False),
                Col("entity", "Đối tượng", table=False), Col("entity_id", "Mã đối tượng", "int", table=False),
                Col("before", "Trước", table=False), Col("after", "Sau", table=False)],
         fmt.value, empty="Nhật ký trống.", out_path=output, select=select, limit=0, noun="sự kiện")
