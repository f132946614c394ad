"""`doithoai session`: dialogue sessions and their lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from doithoai.cli._options import (
    AsOfOpt,
    ColumnsOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    RecordFmt,
    RecordFormatOpt,
    as_date,
    complete_session,
    group,
    open_db,
    today,
)
from doithoai.cli._output import Col, emit, emit_record, info, warn

app = group("Cuộc tiếp xúc, đối thoại: tạo, xem, sửa và các bước thực hiện.")
SessionArg = Annotated[str, typer.Argument(help="Số thứ tự hoặc mã cuộc đối thoại.", autocompletion=complete_session)]
OnOpt = Annotated[str | None, typer.Option("--on", help="Ngày thực hiện (mặc định hôm nay).")]
# The minutes' people and figures: the same options on `session create` and `session edit`.
ChairNameOpt = Annotated[str | None, typer.Option("--chair-name", help="Họ tên người chủ trì (ký biên bản).")]
ChairPositionOpt = Annotated[str | None, typer.Option("--chair-position", help="Chức vụ người chủ trì, ví dụ \"Bí thư Huyện ủy\".")]
SecretaryNameOpt = Annotated[str | None, typer.Option("--secretary-name", help="Họ tên thư ký (ký biên bản).")]
SecretaryPositionOpt = Annotated[str | None, typer.Option("--secretary-position", help="Chức vụ thư ký.")]
OfficialsOpt = Annotated[str | None, typer.Option("--officials", help="Đại biểu dự: \"Họ tên, chức vụ; Họ tên, chức vụ\".")]
CitizensOpt = Annotated[int | None, typer.Option("--citizens", help="Số công dân dự hội nghị.")]
EndTimeOpt = Annotated[str | None, typer.Option("--end-time", help="Giờ kết thúc, HH:MM.")]


def _labels():
    from doithoai.sessions import STATUS_LABELS

    return STATUS_LABELS


def columns() -> list[Col]:
    return [
        Col("id", "Số", "int", priority=10), Col("code", "Mã", "code", priority=9),
        Col("commune", "Xã/phường", priority=6), Col("date", "Ngày", "date", priority=9),
        Col("time", "Giờ", "code", priority=2), Col("location", "Địa điểm", table=False),
        Col("chair", "Chủ trì", table=False), Col("status", "Trạng thái", labels=_labels(), priority=7),
        Col("notice_by", "Hạn gửi giấy mời", "date", priority=3), Col("review_by", "Hạn TB kết luận", "date", priority=4),
        Col("answer_due", "Hạn trả lời", "date", priority=8), Col("complex_answer_due", "Hạn vụ phức tạp", "date", priority=1),
        Col("petitions", "Kiến nghị", "int", priority=8), Col("open_petitions", "Chưa xong", "int", priority=8),
    ]


@app.command("create")
def create(
    commune: Annotated[str, typer.Option("--commune", help="Xã/phường nơi đối thoại, ví dụ \"Khoen On\".")],
    date: Annotated[str, typer.Option("--date", help="Ngày đối thoại (DD/MM/YYYY hoặc YYYY-MM-DD).")],
    time: Annotated[str, typer.Option("--time", help="Giờ bắt đầu, HH:MM.")] = "",
    location: Annotated[str, typer.Option("--location", help="Địa điểm.")] = "",
    chair: Annotated[str, typer.Option("--chair", help="Người chủ trì.")] = "",
    secretary: Annotated[str, typer.Option("--secretary", help="Thư ký.")] = "",
    title: Annotated[str, typer.Option("--title", help="Tiêu đề (mặc định sinh từ tên xã).")] = "",
    code: Annotated[str, typer.Option("--code", help="Mã tự đặt (mặc định NĂM-ten-xa).")] = "",
    chair_name: ChairNameOpt = None,
    chair_position: ChairPositionOpt = None,
    secretary_name: SecretaryNameOpt = None,
    secretary_position: SecretaryPositionOpt = None,
    officials: OfficialsOpt = None,
    citizens: CitizensOpt = None,
    end_time: EndTimeOpt = None,
    fmt: RecordFormatOpt = RecordFmt.table,
) -> None:
    """Tạo cuộc đối thoại; các mốc thời hạn được tính theo lịch ngày làm việc."""
    from doithoai import sessions
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        s = sessions.create(db, commune=commune, date=as_date(date, "ngày đối thoại"), time=time, location=location,
                            chair=chair, secretary=secretary, title=title, code=code, chair_name=chair_name,
                            chair_position=chair_position, secretary_name=secretary_name,
                            secretary_position=secretary_position, officials=officials, citizens_present=citizens,
                            end_time=end_time)
    info(f"Đã tạo cuộc đối thoại số {s['id']} ({s['code']}).")
    _print_session(s, fmt.value)


def _print_session(s: Mapping[str, Any], fmt: str) -> None:
    from doithoai.text import vn_date

    labels = _labels()
    emit_record([
        ("Số", s["id"]), ("Mã", s["code"]), ("Tiêu đề", s["title"]), ("Xã/phường", s["commune"]),
        ("Ngày", vn_date(s["date"]) + (f" lúc {s['time']}" if s["time"] else "")), ("Địa điểm", s["location"]),
        ("Chủ trì", s["chair"]), ("Thư ký", s["secretary"]),
        *((label, value) for label, value in (
            ("Người chủ trì (ký biên bản)", ", ".join(x for x in (s.get("chair_name"), s.get("chair_position")) if x)),
            ("Thư ký (ký biên bản)", ", ".join(x for x in (s.get("secretary_name"), s.get("secretary_position")) if x)),
            ("Đại biểu dự", s.get("officials") or ""),
            ("Công dân dự", f"{s['citizens_present']} người" if s.get("citizens_present") else ""),
            ("Kết thúc lúc", s.get("end_time") or "")) if value),
        ("Trạng thái", labels[s["status"]]),
        ("Hạn gửi giấy mời", vn_date(s["notice_by"])), ("Hạn thông báo kết luận", vn_date(s["review_by"])),
        ("Hạn trả lời bằng văn bản", vn_date(s["answer_due"])),
        ("Hạn trả lời vụ việc phức tạp", vn_date(s["complex_answer_due"])),
        *((label, vn_date(s[col])) for col, label in (("notice_sent_on", "Đã gửi giấy mời ngày"), ("held_on", "Tổ chức ngày"),
                                                      ("reviewed_on", "Thông báo kết luận ngày"), ("closed_on", "Kết thúc ngày")) if s[col]),
        *((("Kết luận của người chủ trì", s["conclusion"]),) if s["conclusion"] else ()),
    ], fmt, dict(s))


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option("--status", help="Trạng thái, mã hoặc nhãn: planned (Đã lên kế hoạch) | notice_sent (Đã gửi giấy mời) | held (Đã tổ chức) | reviewed (Đã rút kinh nghiệm) | closed (Đã kết thúc) | cancelled (Đã hủy).")] = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Liệt kê các cuộc đối thoại với các mốc thời hạn."""
    from doithoai import sessions

    emit(sessions.list_all(open_db(), status), columns(), fmt.value, limit=limit, select=select, out_path=output,
         noun="cuộc đối thoại", empty="Không có cuộc đối thoại nào ở trạng thái này." if status else
         "Chưa có cuộc đối thoại nào. Tạo bằng `doithoai session create --commune … --date …`.")


@app.command("show")
def show(ref: SessionArg, fmt: RecordFormatOpt = RecordFmt.table) -> None:
    """Xem chi tiết một cuộc đối thoại."""
    from doithoai import sessions

    db = open_db()
    s = sessions.get(db, ref)
    counts = sessions.petition_counts(db, s["id"])
    _print_session({**s, "petition_counts": counts}, fmt.value)
    if fmt == RecordFmt.table and counts:
        from doithoai.statuses import LABELS as STATUS_LABELS

        info("Kiến nghị: " + ", ".join(f"{STATUS_LABELS[k]} {v}" for k, v in counts.items()))


@app.command("speakers")
def speakers(ref: SessionArg, limit: LimitOpt = None, select: ColumnsOpt = None, fmt: ListFormatOpt = ListFmt.table,
             output: OutputOpt = None) -> None:
    """Danh sách đăng ký phát biểu theo thứ tự."""
    from doithoai import petition_listing, sessions

    db = open_db()
    s = sessions.get(db, ref)
    rows = [r for r in petition_listing.list_rows(db, as_of=today(), session=str(s["id"])) if r["speak"]]
    emit(rows, [Col("speak_order", "TT", "int"), Col("petitioner", "Người phát biểu"), Col("address", "Địa chỉ"),
                Col("content", "Nội dung đăng ký", max_width=60), Col("id", "Số kiến nghị", "int")], fmt.value,
         empty="Chưa có ai đăng ký phát biểu.", limit=limit, select=select, out_path=output, noun="người")


@app.command("edit")
def edit(
    ref: SessionArg,
    date: Annotated[str | None, typer.Option("--date", help="Ngày mới (tính lại các thời hạn).")] = None,
    time: Annotated[str | None, typer.Option("--time", help="Giờ bắt đầu mới (HH:MM).")] = None,
    location: Annotated[str | None, typer.Option("--location", help="Địa điểm mới.")] = None,
    chair: Annotated[str | None, typer.Option("--chair", help="Người chủ trì mới.")] = None,
    secretary: Annotated[str | None, typer.Option("--secretary", help="Thư ký mới.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Tiêu đề mới.")] = None,
    commune: Annotated[str | None, typer.Option("--commune", help="Xã (phường, thị trấn) mới.")] = None,
    chair_name: ChairNameOpt = None,
    chair_position: ChairPositionOpt = None,
    secretary_name: SecretaryNameOpt = None,
    secretary_position: SecretaryPositionOpt = None,
    officials: OfficialsOpt = None,
    citizens: CitizensOpt = None,
    end_time: EndTimeOpt = None,
) -> None:
    """Sửa thông tin; đổi ngày sẽ tính lại mọi thời hạn và in những thời hạn thay đổi."""
    from doithoai import sessions
    from doithoai.cli.config import print_moved
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        s, moved = sessions.edit(db, ref, date=as_date(date, "ngày đối thoại"), time=time, location=location,
                                 chair=chair, secretary=secretary, title=title, commune=commune, chair_name=chair_name,
                                 chair_position=chair_position, secretary_name=secretary_name,
                                 secretary_position=secretary_position, officials=officials,
                                 citizens_present=citizens, end_time=end_time)
    info(f"Đã sửa cuộc đối thoại {s['code']}.")
    if date is not None:
        print_moved(moved)


def _advance(ref: str, to: str, on: str | None, as_of: str | None, done: str) -> None:
    from doithoai import sessions
    from doithoai.db import transaction

    db = open_db()
    now = today(as_of)
    with transaction(db):
        s, warnings = sessions.advance(db, ref, to, as_date(on, "ngày thực hiện") or now, now)
    for w in warnings:
        warn(w)
    info(f"Cuộc đối thoại {s['code']}: {done}.")


@app.command("notice")
def notice(ref: SessionArg, on: OnOpt = None, as_of: AsOfOpt = None) -> None:
    """Ghi nhận đã thông báo công khai / gửi giấy mời kèm phiếu đăng ký."""
    _advance(ref, "notice_sent", on, as_of, "đã gửi giấy mời")


@app.command("hold")
def hold(ref: SessionArg, on: OnOpt = None, as_of: AsOfOpt = None) -> None:
    """Ghi nhận hội nghị đã diễn ra (đúng ngày đối thoại)."""
    from doithoai import sessions

    if on is None:
        on = sessions.get(open_db(), ref)["date"]
    _advance(ref, "held", on, as_of, "đã tổ chức")


@app.command("review")
def review(ref: SessionArg, on: OnOpt = None, as_of: AsOfOpt = None) -> None:
    """Ghi nhận đã rút kinh nghiệm và ban hành thông báo kết luận."""
    _advance(ref, "reviewed", on, as_of, "đã thông báo kết luận")


@app.command("close")
def close(ref: SessionArg, on: OnOpt = None, as_of: AsOfOpt = None) -> None:
    """Kết thúc và lưu hồ sơ (khi mọi kiến nghị đã có kết quả)."""
    _advance(ref, "closed", on, as_of, "đã kết thúc, lưu hồ sơ")


@app.command("conclude")
def conclude(ref: SessionArg, text: Annotated[str, typer.Option("--text", help="Kết luận chung của người chủ trì.")]) -> None:
    """Ghi kết luận chung của người chủ trì hội nghị."""
    from doithoai import sessions
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        s = sessions.conclude(db, ref, text)
    info(f"Đã ghi kết luận của cuộc đối thoại {s['code']}.")


@app.command("cancel")
def cancel(
    ref: SessionArg,
    reason: Annotated[str, typer.Option("--reason", help="Vì sao không tổ chức.")],
    on: OnOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Hủy cuộc đối thoại không diễn ra: giữ trong lịch sử, không còn trong kế hoạch."""
    from doithoai import sessions
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        s = sessions.cancel(db, ref, reason=reason, on=as_date(on, "ngày hủy") or today(as_of))
    info(f"Đã hủy cuộc đối thoại {s['code']} ({s['cancel_reason']}).")
