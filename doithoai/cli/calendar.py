"""`doithoai calendar`: working days, holidays, swaps and the deadline arithmetic."""

from __future__ import annotations

import json
from typing import Annotated, Literal

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
    as_date,
    group,
    open_db,
    today,
)
from doithoai.cli._output import Col, emit, info, out, warn

app = group("Lịch ngày làm việc: ngày lễ, nghỉ bù, làm bù và cách tính thời hạn.")
DateArg = Annotated[str, typer.Argument(help="Ngày (DD/MM/YYYY hoặc YYYY-MM-DD).", metavar="DATE")]
DaysArg = Annotated[int, typer.Argument(help="Số ngày làm việc.", metavar="N")]
BeforeOpt = Annotated[bool, typer.Option("--before", help="Đếm lùi (ngày làm việc thứ N trước NGÀY).")]
CalendarDaysOpt = Annotated[bool, typer.Option("--calendar-days", help="Đếm ngày lịch thay vì ngày làm việc (rơi vào ngày nghỉ thì lùi/tiến đến ngày làm việc).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Lý do, ví dụ \"Nghỉ bù Tết Dương lịch\".")]
SourceOpt = Annotated[str, typer.Option("--source", help="Văn bản căn cứ, ví dụ \"Công văn 12729/VPCP-KGVX\".")]


@app.command("due")
def due(date: DateArg, days: DaysArg, before: BeforeOpt = False, calendar_days: CalendarDaysOpt = False,
        fmt: FormatOpt = Fmt.table) -> None:
    """Ngày làm việc thứ N sau (hoặc trước, --before) NGÀY; NGÀY không được tính."""
    from doithoai import deadlines
    from doithoai.text import vn_date
    from doithoai.workdays import WEEKDAY_NAMES

    start = as_date(date)
    cal = deadlines.load_calendar(open_db())
    unit: Literal["calendar", "working"] = "calendar" if calendar_days else "working"
    steps = cal.explain(start, days, before=before, unit=unit)
    result = steps[-1].date
    skipped = [{"date": s.date.isoformat(), "reason": s.reason} for s in steps if not s.counted]
    if fmt == Fmt.json:
        out(json.dumps({"from": start.isoformat(), "days": days, "direction": "before" if before else "after",
                        "unit": unit, "due": result.isoformat(), "skipped": skipped}, ensure_ascii=False, indent=2))
        return
    if fmt == Fmt.csv:
        emit([{"from": start.isoformat(), "days": days, "direction": "before" if before else "after", "due": result.isoformat()}],
             [Col("from", "from"), Col("days", "days"), Col("direction", "direction"), Col("due", "due")], "csv")
        return
    word = "ngày làm việc" if unit == "working" else "ngày"
    out(f"{WEEKDAY_NAMES[result.weekday()]} {vn_date(result)} — {word} thứ {days} {'trước' if before else 'sau'} ngày {vn_date(start)}")
    if skipped:
        out(f"Bỏ qua {len(skipped)} ngày nghỉ:")
        for s in skipped:
            out(f"  {vn_date(s['date'])}  {s['reason']}")


@app.command("explain")
def explain(date: DateArg, days: DaysArg, before: BeforeOpt = False, calendar_days: CalendarDaysOpt = False,
            fmt: FormatOpt = Fmt.table) -> None:
    """Đi từng ngày từ NGÀY đến ngày thứ N: ngày nào được tính, ngày nào bỏ qua và vì sao."""
    from doithoai import deadlines
    from doithoai.workdays import WEEKDAY_NAMES

    cal = deadlines.load_calendar(open_db())
    steps = cal.explain(as_date(date), days, before=before, unit="calendar" if calendar_days else "working")
    rows = [{"date": s.date.isoformat(), "weekday": WEEKDAY_NAMES[s.date.weekday()], "counted": s.counted,
             "count": s.count, "reason": s.reason} for s in steps]
    emit(rows, [Col("date", "Ngày", "date"), Col("weekday", "Thứ"), Col("counted", "Tính", "bool"),
                Col("count", "Thứ tự", "int"), Col("reason", "Lý do")], fmt.value)


@app.command("list")
def list_(year: Annotated[int | None, typer.Option("--year", help="Năm (mặc định năm nay).")] = None,
          as_of: AsOfOpt = None, limit: LimitOpt = None, select: ColumnsOpt = None,
          fmt: ListFormatOpt = ListFmt.table, output: OutputOpt = None) -> None:
    """Ngày lễ, ngày nghỉ và ngày làm bù trong năm, với nguồn của từng ngày."""
    from doithoai import overrides

    year = year or today(as_of).year
    rows = overrides.year_listing(open_db(), year)
    emit(rows, [Col("date", "Ngày", "date"), Col("weekday", "Thứ"),
                Col("kind", "Loại", labels={"day_off": "Nghỉ", "workday": "Làm việc"}),
                Col("description", "Nội dung", max_width=60), Col("origin", "Nguồn")], fmt.value,
         title=f"Lịch nghỉ, làm bù năm {year}", limit=limit, select=select, out_path=output, noun="ngày")


def _change(fn, *args, done: str | None = None) -> None:
    """Make a calendar change, say it (`done`), then list the deadlines it moved."""
    from doithoai.cli.config import print_moved
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        moved = fn(db, *args)
    if done:
        info(done)
    print_moved(moved)


@app.command("add-day-off")
def add_day_off(date: DateArg, reason: ReasonOpt, source: SourceOpt = "") -> None:
    """Thêm một ngày nghỉ (nghỉ bù, hoán đổi) mà gói holidays chưa có; tính lại các thời hạn còn mở."""
    from doithoai import overrides
    from doithoai.text import vn_date

    day = as_date(date)
    _change(overrides.add_override, day, "off", reason, source, done=f"Đã thêm ngày nghỉ {vn_date(day)}.")


@app.command("add-workday")
def add_workday(date: DateArg, reason: ReasonOpt, source: SourceOpt = "") -> None:
    """Thêm một ngày làm việc (làm bù vào thứ Bảy); tính lại các thời hạn còn mở."""
    from doithoai import overrides
    from doithoai.text import vn_date

    day = as_date(date)
    _change(overrides.add_override, day, "work", reason, source, done=f"Đã thêm ngày làm bù {vn_date(day)}.")


@app.command("remove")
def remove(date: DateArg) -> None:
    """Xóa điều chỉnh của một ngày; tính lại các thời hạn còn mở."""
    from doithoai import overrides
    from doithoai.text import vn_date

    day = as_date(date)
    _change(overrides.remove_override, day, done=f"Đã xóa điều chỉnh ngày {vn_date(day)}.")


@app.command("import")
def import_(file: Annotated[str, typer.Argument(help="Tệp .csv/.xlsx: Ngày, Loại (nghỉ/làm bù), Lý do, Văn bản.", metavar="FILE")]) -> None:
    """Nhập lịch nghỉ, làm bù của năm từ bảng tính (ví dụ theo thông báo của Chính phủ); có lỗi thì không ghi gì."""
    from pathlib import Path

    from doithoai.importing.overrides import import_overrides

    _change(import_overrides, Path(file), done=f"Đã nhập lịch điều chỉnh từ {file}.")


@app.command("recompute")
def recompute() -> None:
    """Tính lại mọi thời hạn còn mở theo lịch hiện tại (ví dụ sau khi nâng cấp gói holidays)."""
    from doithoai.recompute import open_deadlines

    _change(open_deadlines)


@app.command("confirm")
def confirm(year: Annotated[int, typer.Argument(help="Năm.")], source: SourceOpt) -> None:
    """Xác nhận lịch nghỉ lễ, Tết và hoán đổi của một năm đã đối chiếu với văn bản chính thức."""
    from doithoai import overrides
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        overrides.confirm_year(db, year, source)
    info(f"Đã xác nhận lịch năm {year} ({source}).")


@app.command("check")
def check(as_of: AsOfOpt = None) -> None:
    """Cảnh báo khi lịch nghỉ Tết, lễ, hoán đổi của năm nay hoặc năm tới chưa được xác nhận."""
    from doithoai import overrides
    from doithoai.cli._errors import sentence

    warnings = overrides.check(open_db(), today(as_of))
    for w in warnings:
        warn(sentence(w.message, w.fix))
    if not warnings:
        info("Lịch năm nay và năm tới đã được xác nhận.")
