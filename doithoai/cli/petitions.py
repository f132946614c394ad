"""`doithoai petition`: petitions and every step of their lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import (
    AsOfOpt,
    ColumnsOpt,
    Fmt,
    FormatOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    RecordFmt,
    RecordFormatOpt,
    SessionFilterOpt,
    as_date,
    complete_agency,
    complete_petition,
    complete_session,
    group,
    open_db,
    today,
)
from doithoai.cli._output import Col, emit, emit_record, info, out

app = group("Kiến nghị, phản ánh của công dân: tiếp nhận, giao, trả lời, chuyển, đóng.")
IdArg = Annotated[int, typer.Argument(help="Số kiến nghị.", metavar="ID", autocompletion=complete_petition)]
SOURCE_HELP = ("mã hoặc nhãn, có dấu hay không: phieu-dang-ky (Phiếu đăng ký) | mttq | doan-the (Đoàn thể) | "
               "dai-bieu (Đại biểu dân cử) | thong-tin (Phương tiện thông tin) | tai-hoi-nghi (Tại hội nghị).")


def columns() -> list[Col]:
    from doithoai.statuses import LABELS as STATUS_LABELS
    from doithoai.vocabulary import SOURCES, URGENCIES

    return [
        Col("id", "Số", "int", priority=10), Col("session", "Cuộc ĐT", "code", priority=3),
        Col("petitioner", "Người kiến nghị", priority=8), Col("address", "Địa chỉ", priority=2),
        Col("phone", "Điện thoại", table=False), Col("field", "Lĩnh vực", priority=4),
        Col("source", "Nguồn", labels=SOURCES, priority=1), Col("urgency", "Mức độ", labels=URGENCIES, table=False),
        Col("content", "Nội dung", max_width=50), Col("status", "Trạng thái", "code", labels=STATUS_LABELS, priority=6),
        Col("lead_agency", "Chủ trì", "code", priority=7), Col("due_on", "Hạn", "date", priority=9),
        Col("days_overdue", "Quá hạn", "int", priority=9, zero_blank=True),
        Col("complex", "Phức tạp", "bool", table=False), Col("speak_order", "TT phát biểu", "int", table=False),
        Col("form_no", "Số phiếu", table=False), Col("registered_on", "Ngày đăng ký", "date", table=False),
        Col("proposed_agency", "Cơ quan đề nghị", table=False),
    ]


def _run(fn, *args, message=None, as_of=None, **kwargs):
    """Run one service transition in one transaction and print what happened."""
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        result = fn(db, today(as_of), *args, **kwargs)
    if message:
        info(message(result))
    return result


@app.command("add")
def add(
    session: Annotated[str, typer.Option("--session", "-s", help="Số hoặc mã cuộc đối thoại.", autocompletion=complete_session)],
    name: Annotated[str, typer.Option("--name", help="Họ tên người (hoặc tên tổ chức) kiến nghị.")],
    content: Annotated[str, typer.Option("--content", help="Nội dung kiến nghị, phản ánh.")],
    address: Annotated[str, typer.Option("--address", help="Thôn, bản / địa chỉ.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="Số điện thoại.")] = "",
    organisation: Annotated[bool, typer.Option("--organisation", help="Người kiến nghị là tổ chức.")] = False,
    source: Annotated[str, typer.Option("--source", help=f"Nguồn: {SOURCE_HELP}")] = "phieu-dang-ky",
    field: Annotated[str | None, typer.Option("--field", help="Lĩnh vực (tên, mã hoặc viết tắt, ví dụ \"dat dai\", GPMB).")] = None,
    urgency: Annotated[str, typer.Option("--urgency", help="Mức độ, mã hoặc nhãn: thuong (Thường) | cap-thiet (Cấp thiết) | khan (Khẩn).")] = "thuong",
    speak: Annotated[bool, typer.Option("--speak", help="Đăng ký phát biểu tại hội nghị.")] = False,
    order: Annotated[int | None, typer.Option("--order", help="Thứ tự phát biểu (mặc định: cuối danh sách).")] = None,
    form_no: Annotated[str, typer.Option("--form-no", help="Số phiếu đăng ký.")] = "",
    registered_on: Annotated[str | None, typer.Option("--registered-on", help="Ngày đăng ký (mặc định hôm nay).")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Tiếp nhận một kiến nghị."""
    from doithoai import petitions

    _run(petitions.add, as_of=as_of,
         session=session, name=name, content=content, address=address, phone=phone, organisation=organisation,
         source=source, field=field, urgency=urgency, speak=speak, order=order, form_no=form_no,
         registered_on=as_date(registered_on, "ngày đăng ký"),
         message=lambda p: f"Đã tiếp nhận kiến nghị số {p['id']} (hạn trả lời {_vn(p['due_on'])})." + (
             f"\nCảnh báo: có thể trùng kiến nghị số {', '.join(map(str, p['possible_duplicates']))} của cùng người "
             f"kiến nghị; đã đánh dấu nghi trùng (xem `doithoai petition duplicates`)." if p["possible_duplicates"] else ""))


def _vn(value) -> str:
    from doithoai.text import vn_date

    return vn_date(value)


@app.command("list")
def list_(
    session: SessionFilterOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="Trạng thái, mã hoặc nhãn: new (Mới tiếp nhận) | assigned (Đã giao) | answered (Đã trả lời) | transferred (Đã chuyển) | escalated (Đã trình cấp trên) | closed (Đã đóng) | withdrawn (Đã rút) | duplicate (Trùng, đã gộp).")] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Cơ quan được giao (chủ trì hoặc phối hợp).", autocompletion=complete_agency)] = None,
    field: Annotated[str | None, typer.Option("--field", help="Lĩnh vực.")] = None,
    source: Annotated[str | None, typer.Option("--source", help=f"Nguồn: {SOURCE_HELP}")] = None,
    urgency: Annotated[str | None, typer.Option("--urgency", help="Mức độ: thuong | cap-thiet | khan.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Chỉ kiến nghị quá hạn chưa trả lời.")] = False,
    search: Annotated[str | None, typer.Option(
        "--search", help="Tìm trong tên, địa chỉ, điện thoại, nội dung, kết luận, trả lời và lĩnh vực; "
                         "không phân biệt dấu, hoa thường; nhiều từ thì phải khớp đủ: \"dat dai\", \"bhyt\".")] = None,
    received_from: Annotated[str | None, typer.Option("--received-from", help="Tiếp nhận từ ngày.")] = None,
    received_to: Annotated[str | None, typer.Option("--received-to", help="Tiếp nhận đến ngày.")] = None,
    due_from: Annotated[str | None, typer.Option("--due-from", help="Hạn trả lời từ ngày.")] = None,
    due_to: Annotated[str | None, typer.Option("--due-to", help="Hạn trả lời đến ngày.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="date (theo ngày đối thoại) | relevance (khớp nhất trước, khi tìm).")] = "date",
    as_of: AsOfOpt = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Liệt kê kiến nghị, có lọc và tìm kiếm không dấu."""
    from doithoai import petition_listing

    rows = petition_listing.iter_rows(
        open_db(), as_of=today(as_of), session=session, status=status, agency=agency, field=field, source=source,
        urgency=urgency, overdue=overdue, search=search, sort=sort,
        received_from=as_date(received_from, "ngày --received-from"), received_to=as_date(received_to, "ngày --received-to"),
        due_from=as_date(due_from, "ngày --due-from"), due_to=as_date(due_to, "ngày --due-to"))
    emit(rows, columns(), fmt.value, empty="Không có kiến nghị nào khớp điều kiện.", title=None, out_path=output,
         limit=limit, select=select, noun="kiến nghị")


@app.command("show")
def show(pid: IdArg, as_of: AsOfOpt = None, fmt: RecordFormatOpt = RecordFmt.table) -> None:
    """Xem một kiến nghị với toàn bộ diễn biến."""
    from doithoai import petition_listing
    from doithoai.statuses import LABELS as STATUS_LABELS
    from doithoai.vocabulary import SOURCES, URGENCIES

    p = petition_listing.show(open_db(), pid, today(as_of))
    if fmt == RecordFmt.json:
        emit_record([], "json", p)
        return
    pairs = [
        ("Số", p["id"]), ("Cuộc đối thoại", p["session"]),
        ("Người kiến nghị", p["petitioner"] + (" (tổ chức)" if p["is_organisation"] else "") + f" [số {p['petitioner_id']}]"),
        ("Địa chỉ", p["address"]), ("Điện thoại", p["phone"]), ("Nguồn", SOURCES[p["source"]]),
        ("Lĩnh vực", p["field"] or "(chưa phân loại)"), ("Mức độ", URGENCIES[p["urgency"]]),
        ("Nội dung", p["content"]), ("Trạng thái", STATUS_LABELS[p["status"]]),
        ("Cơ quan chủ trì", p["lead_agency_name"] or "(chưa giao)"),
        ("Hạn trả lời", _vn(p["due_on"]) + (f" — quá hạn {p['days_overdue']} ngày làm việc" if p["days_overdue"] else "")),
    ]
    if p["set_aside_reason"]:
        pairs.append(("Lý do", p["set_aside_reason"]))
    if p["possible_duplicates"]:
        pairs.append(("Nghi trùng với", ", ".join(f"số {i}" for i in p["possible_duplicates"])))
    if p["batch_id"]:
        pairs.append(("Lô nhập", p["batch_id"]))
    if p["complex"]:
        pairs.append(("Vụ việc phức tạp", p["complex_reason"]))
    if p["speak"]:
        pairs.append(("Thứ tự phát biểu", p["speak_order"]))
    if p["proposed_agency"]:
        pairs.append(("Cơ quan đề nghị trả lời", p["proposed_agency"]))
    if p["conclusion"]:
        pairs.append(("Kết luận của người chủ trì", p["conclusion"]))
    if p["pending_notifications"]:
        pairs.append(("Còn phải thông báo cho", ", ".join(p["pending_notifications"])))
    emit_record(pairs, "table")
    out("")
    out("Diễn biến:")
    for t in p["timeline"]:
        out(f"  {_vn(t['date'])}  {t['what']}")


@app.command("assign")
def assign(
    pid: IdArg,
    agency: Annotated[str, typer.Argument(help="Cơ quan chủ trì (mã, tên hoặc viết tắt).", autocompletion=complete_agency)],
    support: Annotated[list[str] | None, typer.Option("--support", help="Cơ quan phối hợp (lặp lại được).", autocompletion=complete_agency)] = None,
    complex_: Annotated[bool, typer.Option("--complex", help="Vụ việc phức tạp: hạn 30 thay vì 15 ngày làm việc.")] = False,
    reason: Annotated[str, typer.Option("--reason", help="Lý do coi là vụ việc phức tạp.")] = "",
    due: Annotated[str | None, typer.Option("--due", help="Đặt hạn bằng tay (không tính lại khi lịch đổi).")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Giao kiến nghị cho cơ quan chủ trì (và phối hợp); hạn tính từ ngày đối thoại. Giao lại thì thay cả bộ."""
    from doithoai import petition_actions

    _run(petition_actions.assign, pid, agency, support or [], complex_, reason, as_date(due, "hạn trả lời"), as_of=as_of,
         message=lambda r: f"Đã giao kiến nghị số {r['id']} cho {r['lead_agency']}"
         + (f" (phối hợp: {', '.join(r['support'])})" if r["support"] else "")
         + f"; hạn trả lời {_vn(r['due_on'])} — {r['due_rule']}.")


@app.command("answer")
def answer(
    pid: IdArg,
    summary: Annotated[str, typer.Option("--summary", help="Tóm tắt nội dung trả lời.")],
    at_meeting: Annotated[bool, typer.Option("--at-meeting", help="Trả lời tại hội nghị.")] = False,
    written: Annotated[bool, typer.Option("--written", help="Trả lời bằng văn bản.")] = False,
    doc_number: Annotated[str, typer.Option("--doc-number", help="Số văn bản trả lời.")] = "",
    doc_date: Annotated[str | None, typer.Option("--doc-date", help="Ngày văn bản.")] = None,
    resolved: Annotated[bool, typer.Option("--resolved", help="Kiến nghị đã được giải quyết xong.")] = False,
    agency: Annotated[str | None, typer.Option("--agency", help="Cơ quan trả lời (mặc định cơ quan chủ trì).", autocompletion=complete_agency)] = None,
    accepted: Annotated[bool | None, typer.Option("--accepted/--not-accepted", help="Người kiến nghị đồng ý / không đồng ý với trả lời.")] = None,
    interim: Annotated[bool, typer.Option("--interim", help="Trả lời tạm thời (đang xử lý): ghi nhận, kiến nghị vẫn mở.")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Ghi nhận trả lời: tại hội nghị (--at-meeting) hoặc bằng văn bản (--written --doc-number --doc-date)."""
    from doithoai import petition_actions
    from doithoai.errors import DoithoaiError

    if interim:
        written, at_meeting = True, False
    if at_meeting == written:
        raise DoithoaiError("Chọn đúng một trong --at-meeting hoặc --written.",
                            "Ví dụ: doithoai petition answer 12 --written --doc-number 45/UBND --doc-date 20/10/2023 --summary \"…\".")

    def message(r):
        if r.get("interim"):
            return f"Đã ghi trả lời tạm thời cho kiến nghị số {r['id']}; kiến nghị vẫn đang xử lý."
        if written:
            return f"Đã ghi trả lời bằng văn bản cho kiến nghị số {r['id']}" + ("." if r["on_time"] else " (trả lời muộn so với hạn).")
        if r["status"] == "answered":
            return f"Đã ghi trả lời tại hội nghị; kiến nghị số {r['id']} đã giải quyết xong."
        return (f"Đã ghi trả lời tại hội nghị cho kiến nghị số {r['id']}; vẫn cần trả lời bằng văn bản "
                f"(giao cơ quan bằng `doithoai petition assign {r['id']} MÃ`).")

    _run(petition_actions.answer, pid, written=written, summary=summary, doc_number=doc_number,
         doc_date=as_date(doc_date, "ngày văn bản"), resolved=resolved, agency=agency, accepted=accepted,
         interim=interim, as_of=as_of, message=message)


@app.command("transfer")
def transfer(
    pid: IdArg,
    to: Annotated[str, typer.Option("--to", help="Cơ quan có thẩm quyền nhận chuyển.")],
    doc_number: Annotated[str, typer.Option("--doc-number", help="Số văn bản chuyển.")] = "",
    doc_date: Annotated[str | None, typer.Option("--doc-date", help="Ngày văn bản chuyển (mặc định hôm nay).")] = None,
    note: Annotated[str, typer.Option("--note", help="Ghi chú.")] = "",
    as_of: AsOfOpt = None,
) -> None:
    """Chuyển kiến nghị ngoài thẩm quyền đến cơ quan có thẩm quyền (phải thông báo người kiến nghị và MTTQ)."""
    from doithoai import petition_actions

    _run(petition_actions.transfer, pid, to=to, doc_number=doc_number, doc_date=as_date(doc_date, "ngày chuyển"), note=note,
         as_of=as_of, message=lambda r: f"Đã chuyển kiến nghị số {r['id']} đến {r['to']}. Còn phải thông báo cho "
         f"người kiến nghị và gửi MTTQ, đoàn thể giám sát: `doithoai petition notify {r['id']} --to petitioner|mttq`.")


@app.command("notify")
def notify(
    pid: IdArg,
    to: Annotated[str, typer.Option("--to", help="petitioner (người kiến nghị) | mttq (MTTQ, đoàn thể).")],
    doc_number: Annotated[str, typer.Option("--doc-number", help="Số văn bản thông báo.")] = "",
    on: Annotated[str | None, typer.Option("--on", help="Ngày thông báo (mặc định hôm nay).")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Ghi nhận đã thông báo cho người kiến nghị hoặc gửi MTTQ, đoàn thể giám sát."""
    from doithoai import petition_actions

    _run(petition_actions.notify, pid, who=to, doc_number=doc_number, on=as_date(on, "ngày thông báo"), as_of=as_of,
         message=lambda r: f"Đã ghi nhận thông báo cho {'người kiến nghị' if to == 'petitioner' else 'MTTQ, đoàn thể'} (kiến nghị số {r['id']}).")


@app.command("escalate")
def escalate(
    pid: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Vì sao vượt thẩm quyền.")],
    to: Annotated[str, typer.Option("--to", help="Cơ quan cấp trên (mặc định: thiết lập unit.escalate_to).")] = "",
    doc_number: Annotated[str, typer.Option("--doc-number", help="Số văn bản trình.")] = "",
    doc_date: Annotated[str | None, typer.Option("--doc-date", help="Ngày văn bản (mặc định hôm nay).")] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Trình cơ quan cấp trên giải quyết vấn đề vượt thẩm quyền."""
    from doithoai import petition_actions

    _run(petition_actions.escalate, pid, to=to, reason=reason, doc_number=doc_number, doc_date=as_date(doc_date, "ngày trình"),
         as_of=as_of, message=lambda r: f"Đã trình {r['to']} kiến nghị số {r['id']}.")


@app.command("verify")
def verify(
    pid: IdArg,
    note: Annotated[str, typer.Option("--note", help="Nội dung cần kiểm tra, xác minh hoặc kết quả xác minh.")],
    agency: Annotated[str | None, typer.Option("--agency", help="Cơ quan kiểm tra (mặc định cơ quan chủ trì).", autocompletion=complete_agency)] = None,
    as_of: AsOfOpt = None,
) -> None:
    """Ghi nhận việc kiểm tra, xác minh (các việc cần làm rõ, trả lời sau)."""
    from doithoai import petition_actions

    _run(petition_actions.verify, pid, note=note, agency=agency, as_of=as_of,
         message=lambda r: f"Đã ghi nội dung xác minh cho kiến nghị số {r['id']}.")


@app.command("conclude")
def conclude(pid: IdArg, text: Annotated[str, typer.Option("--text", help="Kết luận của người chủ trì.")], as_of: AsOfOpt = None) -> None:
    """Ghi kết luận của người chủ trì về kiến nghị."""
    from doithoai import petition_actions

    _run(petition_actions.conclude, pid, text=text, as_of=as_of, message=lambda r: f"Đã ghi kết luận cho kiến nghị số {r['id']}.")


@app.command("close")
def close(pid: IdArg, note: Annotated[str, typer.Option("--note", help="Ghi chú.")] = "", as_of: AsOfOpt = None) -> None:
    """Đóng kiến nghị đã trả lời, đã chuyển hoặc đã trình cấp trên."""
    from doithoai import petition_actions

    _run(petition_actions.close, pid, note=note, as_of=as_of, message=lambda r: f"Đã đóng kiến nghị số {r['id']}.")


@app.command("reopen")
def reopen(pid: IdArg, reason: Annotated[str, typer.Option("--reason", help="Vì sao mở lại.")], as_of: AsOfOpt = None) -> None:
    """Mở lại kiến nghị đã có kết quả (ví dụ người dân chưa đồng ý với trả lời)."""
    from doithoai import petition_actions

    _run(petition_actions.reopen, pid, reason=reason, as_of=as_of, message=lambda r: f"Đã mở lại kiến nghị số {r['id']}; hạn trả lời mới {_vn(r['due_on'])} — {r['due_rule']}.")


def _columns(maps: list[str]) -> dict[str, str]:
    """--map "Nội dung phản ánh=content" → {folded header: field}."""
    from doithoai.errors import DoithoaiError
    from doithoai.importing.headers import FIELDS, header_key

    out = {}
    for item in maps:
        header, sep, field = item.rpartition("=")
        field = field.strip()
        if not sep or not header.strip() or field not in FIELDS:
            raise DoithoaiError(
                f"--map '{item}' không hợp lệ.",
                "Viết dạng --map \"Tên cột=trường\", trường là một trong: " + ", ".join(FIELDS) + ".",
            )
        out[header_key(header)] = field
    return out


@app.command("import")
def import_(
    files: Annotated[list[str], typer.Argument(help="Tệp .csv, .xlsx, .docx, .jsonl (nhiều tệp, hoặc mẫu như 'phieu/*.docx').", metavar="FILE...")],
    session: Annotated[str, typer.Option("--session", "-s", help="Số hoặc mã cuộc đối thoại.", autocompletion=complete_session)],
    source: Annotated[str | None, typer.Option("--source", help=f"Nguồn cho các dòng không ghi nguồn: {SOURCE_HELP}")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ kiểm tra và báo cáo, không ghi gì.")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Nhập các dòng hợp lệ; ghi các dòng lỗi ra tệp --rejects.")] = False,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Tệp CSV ghi các dòng lỗi (mặc định <tệp đầu>.loi.csv).")] = None,
    maps: Annotated[list[str] | None, typer.Option("--map", help="Chỉ rõ cột: \"Tên cột=trường\" (name, address, phone, content, field, agency, form_no, registered_on, source, speak, order, urgency, skip).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Trang tính trong tệp Excel (mặc định trang đầu).")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Nhập hàng loạt kiến nghị từ phiếu đăng ký, bảng tổng hợp của MTTQ, CSV hoặc JSON Lines.

    Một lần nhập là một giao dịch: có dòng lỗi thì không ghi gì (trừ khi --skip-invalid).
    Nhập lại cùng tệp không thay đổi gì.
    """
    import json as _json

    from doithoai.cli._output import quiet, warn
    from doithoai.db import transaction
    from doithoai.importing import batch

    if rejects and not skip_invalid:
        from doithoai.errors import DoithoaiError

        raise DoithoaiError("--rejects chỉ dùng cùng --skip-invalid.", "Thêm --skip-invalid, hoặc bỏ --rejects.")
    if quiet():  # cron: a folder pattern that matches nothing (yet) is not news
        import glob

        files = [f for f in files if not any(ch in f for ch in "*?[") or glob.glob(f)]
        if not files:
            return
    from doithoai.cli._output import progress

    db = open_db()
    rejects_path = None
    # Read and validate every file before taking the write lock: a long parse never blocks
    # the reminders cron, and a refused file leaves no trace.
    with progress("Đang nhập", "dòng", enabled=fmt == Fmt.table) as tick:
        summary = batch.prepare(db, today(as_of), files, session, source=source, skip_invalid=skip_invalid,
                                columns=_columns(maps or []), sheet=sheet, tick=tick)
    with transaction(db, rollback=dry_run):
        batch.write(db, today(as_of), summary)
        if summary.rejected and not dry_run:
            rejects_path = rejects or Path(Path(summary.files[0].file).stem + ".loi.csv")
            batch.write_rejects(rejects_path, summary.rejected)
    if not dry_run and summary.total("new"):
        # The import is committed; now fold its petitions into the search index, in short
        # chunks a clerk's write can slip between, so the next search answers at once
        # rather than indexing a cron import while the clerk waits.
        from doithoai import search

        with progress("Đang lập chỉ mục tìm kiếm", enabled=fmt == Fmt.table):
            search.catch_up(db)
    files_out = [{"file": f.file, "format": f.format, "sha256": f.sha256, "sheet": f.sheet, "batch": f.batch_id,
                  "read": f.read, "new": f.new, "present": f.present, "rejected": f.rejected,
                  "already_imported_batch": f.skipped_batch, "notes": f.notes}
                 for f in summary.files]
    if fmt == Fmt.json:
        out(_json.dumps({"session": summary.session, "dry_run": dry_run, "files": files_out,
                         "read": summary.total("read"), "new": summary.total("new"), "present": summary.total("present"),
                         "duplicates": summary.duplicates, "rejected": summary.total("rejected"),
                         "rejects_file": str(rejects_path) if rejects_path else None,
                         "unmatched_agencies": summary.unmatched_agencies}, ensure_ascii=False, indent=2))
    elif fmt != Fmt.table or not quiet():  # the table says what happened: a message, silenced by -q
        for f in files_out:
            f["note"] = f"đã nhập trước đó (lô {f['already_imported_batch']}), bỏ qua" if f["already_imported_batch"] else ""
        emit(files_out, [Col("file", "Tệp"), Col("format", "Dạng"), Col("batch", "Lô", "int"), Col("read", "Đọc", "int"), Col("new", "Mới", "int"),
                         Col("present", "Đã có", "int"), Col("rejected", "Lỗi", "int"), Col("note", "Ghi chú")], fmt.value)
    if fmt == Fmt.table:
        head = "Chạy thử (--dry-run), không ghi gì: " if dry_run else ""
        info(f"{head}đọc {summary.total('read')}, mới {summary.total('new')}, đã có {summary.total('present')}, "
             f"nghi trùng {len(summary.duplicates)}, lỗi {summary.total('rejected')}.")
        for file_result in summary.files:
            for note in file_result.notes:
                warn(note + ".")
        shown = summary.duplicates[:DUPLICATES_SHOWN]  # a cron mail stays readable: the rest are one line
        for d in shown:
            warn(f"Kiến nghị số {d['id']} có thể trùng kiến nghị số {d['earlier_id']} ({d['earlier_session']}) "
                 "của cùng người kiến nghị: đã nhập và đánh dấu nghi trùng. Xem `doithoai petition duplicates`, "
                 f"rồi `doithoai petition merge {d['earlier_id']} {d['id']}` hoặc `doithoai petition unflag {d['id']}`.")
        if len(summary.duplicates) > len(shown):
            warn(f"… và {len(summary.duplicates) - len(shown)} kiến nghị nghi trùng khác; xem đủ bằng "
                 f"`doithoai petition duplicates --session {summary.session}`.")
        for text, n in summary.unmatched_agencies.items():
            warn(f"Cơ quan đề nghị trả lời '{text}' ({n} dòng) chưa có trong danh sách cơ quan; đã giữ nguyên văn bản.")
        if rejects_path:
            warn(f"{summary.total('rejected')} dòng lỗi đã ghi vào {rejects_path}.")


DUPLICATES_SHOWN = 10  # possible duplicates named one by one after an import


# -- corrections (issue 11): each one an event with before/after in `doithoai log` -----------

def _documents_warning(docs: list[dict]) -> None:
    from doithoai.cli._output import warn

    for d in docs:
        number = d["number_text"] or "(chưa số)"
        warn(f"Văn bản đã ban hành có thể còn nội dung cũ: {d['kind']} số {number} ngày {_vn(d['doc_date'])} ({d['path']}). "
             f"Tạo lại văn bản đó bằng `doithoai doc {d['kind']} …` để ban hành bản đã sửa.")


@app.command("edit")
def edit(
    pid: IdArg,
    content: Annotated[str | None, typer.Option("--content", help="Nội dung kiến nghị.")] = None,
    field: Annotated[str | None, typer.Option("--field", help="Lĩnh vực.")] = None,
    urgency: Annotated[str | None, typer.Option("--urgency", help="thuong | cap-thiet | khan.")] = None,
    source: Annotated[str | None, typer.Option("--source", help=f"Nguồn: {SOURCE_HELP}")] = None,
    form_no: Annotated[str | None, typer.Option("--form-no", help="Số phiếu đăng ký.")] = None,
    registered_on: Annotated[str | None, typer.Option("--registered-on", help="Ngày đăng ký.")] = None,
    order: Annotated[int | None, typer.Option("--order", help="Thứ tự phát biểu.")] = None,
    session: Annotated[str | None, typer.Option("--session", "-s", help="Chuyển sang cuộc đối thoại khác (kiến nghị chưa giao).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Họ tên người kiến nghị.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Địa chỉ người kiến nghị.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Số điện thoại người kiến nghị.")] = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Fmt.table,
) -> None:
    """Sửa thông tin đã tiếp nhận (gõ nhầm, nhập nhầm cuộc đối thoại); ghi nhật ký trước/sau."""
    import json as _json

    from doithoai import corrections

    result = _run(corrections.edit, pid, as_of=as_of, content=content, field=field, urgency=urgency, source=source,
                  form_no=form_no, registered_on=as_date(registered_on, "ngày đăng ký"), speak_order=order,
                  session=session, name=name, address=address, phone=phone)
    if fmt == Fmt.json:
        out(_json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return
    what = [*result["changed"], *result["petitioner_changed"]]
    info(f"Đã sửa kiến nghị số {result['id']}: {', '.join(what)}.")
    if result["other_petitions_of_petitioner"]:
        info(f"Thông tin người kiến nghị được sửa cho cả {result['other_petitions_of_petitioner']} kiến nghị khác của người này.")
    _documents_warning(result["documents"])


@app.command("withdraw")
def withdraw(
    pid: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Lý do (người dân rút đơn, nhập nhầm…).")],
    mistake: Annotated[bool, typer.Option("--mistake", help="Nhập nhầm (không phải người dân rút).")] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Rút kiến nghị (rút đơn hoặc nhập nhầm): giữ trong lịch sử, không tính trong mọi thống kê, báo cáo, văn bản."""
    from doithoai import corrections

    _run(corrections.withdraw, pid, reason=reason, mistake=mistake, as_of=as_of,
         message=lambda r: f"Đã rút kiến nghị số {r['id']} ({r['reason']}). Khôi phục được bằng `doithoai petition restore {r['id']} --reason …`.")


@app.command("restore")
def restore(pid: IdArg, reason: Annotated[str, typer.Option("--reason", help="Vì sao khôi phục.")], as_of: AsOfOpt = None) -> None:
    """Khôi phục kiến nghị đã rút."""
    from doithoai import corrections

    _run(corrections.restore, pid, reason=reason, as_of=as_of,
         message=lambda r: f"Đã khôi phục kiến nghị số {r['id']}.")


@app.command("duplicates")
def duplicates(
    session: SessionFilterOpt = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Các kiến nghị bị đánh dấu nghi trùng (cùng người, nội dung gần giống) chờ quyết định: merge hoặc unflag."""
    from doithoai import corrections

    rows = corrections.duplicates(open_db(), session)
    emit(rows, [Col("id", "Số", "int"), Col("session", "Cuộc ĐT", table=False), Col("petitioner", "Người kiến nghị"),
                Col("content", "Nội dung", max_width=30), Col("earlier_id", "Giống số", "int"),
                Col("earlier_session", "Cuộc ĐT trước", table=False), Col("earlier_content", "Nội dung trước", max_width=30)],
         fmt.value, empty="Không có kiến nghị nào đang bị nghi trùng.", limit=limit, select=select, out_path=output,
         noun="kiến nghị",
         footer="Cùng một kiến nghị: `doithoai petition merge GIỮ TRÙNG`; khác nhau: `doithoai petition unflag SỐ`." if rows else None)


@app.command("merge")
def merge(
    keep: Annotated[int, typer.Argument(help="Kiến nghị giữ lại.", metavar="GIỮ", autocompletion=complete_petition)],
    other: Annotated[int, typer.Argument(help="Kiến nghị trùng, được gộp vào GIỮ.", metavar="TRÙNG", autocompletion=complete_petition)],
    as_of: AsOfOpt = None,
) -> None:
    """Gộp kiến nghị trùng: TRÙNG đóng ở trạng thái 'Trùng, đã gộp' và trỏ tới GIỮ; cả hai còn trong lịch sử."""
    from doithoai import corrections

    _run(corrections.merge, keep, other, as_of=as_of,
         message=lambda r: f"Đã gộp kiến nghị số {r['id']} vào số {r['duplicate_of']}. "
                           f"Tách lại bằng `doithoai petition unmerge {r['id']}`.")


@app.command("unmerge")
def unmerge(pid: IdArg, as_of: AsOfOpt = None) -> None:
    """Tách kiến nghị đã gộp nhầm: trở lại trạng thái trước khi gộp."""
    from doithoai import corrections

    _run(corrections.unmerge, pid, as_of=as_of,
         message=lambda r: f"Đã tách kiến nghị số {r['id']} khỏi số {r['was_duplicate_of']}.")


@app.command("unflag")
def unflag(
    pid: IdArg,
    other: Annotated[int | None, typer.Option("--other", help="Chỉ bỏ đánh dấu với kiến nghị này.")] = None,
) -> None:
    """Bỏ đánh dấu nghi trùng: hai kiến nghị là khác nhau."""
    from doithoai import corrections
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        r = corrections.unflag(db, pid, other)
    info(f"Đã bỏ đánh dấu nghi trùng của kiến nghị số {r['id']} ({len(r['cleared'])} cặp).")
