"""`doithoai report`: overdue, due soon, an agency's holdings, the summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._errors import EXIT_OVERDUE
from doithoai.cli._options import (
    AsOfOpt,
    ColumnsOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    RecordFmt,
    RecordFormatOpt,
    SessionFilterOpt,
    complete_agency,
    db_path,
    group,
    open_db,
    today,
)
from doithoai.cli._output import Col, emit, format_for, out

app = group("Báo cáo theo dõi: quá hạn, sắp đến hạn, theo cơ quan, tổng hợp.")


ReportFmt = ListFmt
FmtOpt = ListFormatOpt
OutOpt = OutputOpt
AgencyOpt = Annotated[str | None, typer.Option("--agency", help="Chỉ cơ quan chủ trì này.", autocompletion=complete_agency)]
FieldOpt = Annotated[str | None, typer.Option("--field", help="Chỉ lĩnh vực này.")]
AllUnitsOpt = Annotated[bool, typer.Option("--all-units", help="Mọi đơn vị trên máy chủ PostgreSQL mà tài khoản đọc được, "
                                           "mỗi dòng ghi tên đơn vị (cho cấp tỉnh).")]


def _columns(extra: list[Col]) -> list[Col]:
    from doithoai.statuses import LABELS as STATUS_LABELS

    return [
        Col("lead_agency", "Chủ trì", "code", priority=9), Col("id", "Số", "int", priority=10),
        Col("session", "Cuộc ĐT", "code", priority=3), Col("petitioner", "Người kiến nghị", priority=8),
        Col("address", "Địa chỉ", priority=2), Col("field", "Lĩnh vực", priority=4),
        Col("content", "Nội dung", max_width=50), Col("due_on", "Hạn trả lời", "date", priority=9), *extra,
        Col("status", "Trạng thái", "code", labels=STATUS_LABELS, priority=5),
    ]


@app.command("overdue")
def overdue(
    as_of: AsOfOpt = None, session: SessionFilterOpt = None, agency: AgencyOpt = None, field: FieldOpt = None,
    fmt: FmtOpt = ReportFmt.table, output: OutOpt = None, limit: LimitOpt = None, select: ColumnsOpt = None,
    fail_on_overdue: Annotated[bool, typer.Option("--fail-on-overdue", help=f"Thoát với mã {EXIT_OVERDUE} nếu có kiến nghị quá hạn (cho cron).")] = False,
    all_units: AllUnitsOpt = False,
) -> None:
    """Kiến nghị quá hạn chưa trả lời, theo cơ quan chủ trì, cũ nhất trước; số ngày quá hạn tính theo ngày làm việc."""
    from doithoai import reports
    from doithoai.text import vn_date

    now = today(as_of)
    columns = _columns([Col("days_overdue", "Quá hạn (ngày LV)", "int", priority=9)])
    total_cols = [Col("lead_agency", "Mã", "code"), Col("lead_agency_name", "Cơ quan chủ trì"), Col("count", "Số quá hạn", "int"),
                  Col("oldest_due_on", "Hạn cũ nhất", "date"), Col("max_days_overdue", "Quá hạn nhiều nhất", "int")]
    if all_units:
        from doithoai import units

        server = units.open_server(db_path())
        rows = units.overdue(server, now, session=session, agency=agency, field=field)
        totals = units.totals(rows)
        columns = [Col("unit", "Đơn vị", "code", priority=10), *columns]
        total_cols = [Col("unit", "Đơn vị", "code"), *total_cols]
    else:
        db = open_db()
        if fail_on_overdue:  # cron: never a silent wrong answer from a damaged file
            from doithoai.maintenance import verify_daily

            verify_daily(db, today())  # once per calendar day, whatever --as-of says
        rows = reports.overdue(db, now, session=session, agency=agency, field=field)
        totals = reports.totals_by_agency(rows)
    title = f"Kiến nghị quá hạn tính đến ngày {vn_date(now)}"
    if (format_for(output, fmt.value) if output else fmt.value) == "table":
        emit(rows, columns, "table", title=title, empty=f"Không có kiến nghị quá hạn tính đến ngày {vn_date(now)}.",
             out_path=output, limit=limit, select=select, noun="kiến nghị")
        if rows and output is None:
            out("")
            emit(totals, total_cols, "table", title="Tổng hợp theo cơ quan chủ trì",
                 footer=f"Tổng cộng: {len(rows)} kiến nghị quá hạn.")
    else:
        emit(rows, columns, fmt.value, title="Quá hạn", out_path=output, extra_sheets=[("Theo cơ quan", total_cols, totals)],
             limit=limit, select=select)
    if fail_on_overdue and rows:
        raise typer.Exit(EXIT_OVERDUE)


@app.command("due-soon")
def due_soon(
    within: Annotated[int, typer.Option("--within", help="Trong N ngày làm việc tới.")] = 5,
    as_of: AsOfOpt = None, session: SessionFilterOpt = None, agency: AgencyOpt = None, field: FieldOpt = None,
    fmt: FmtOpt = ReportFmt.table, output: OutOpt = None, limit: LimitOpt = None, select: ColumnsOpt = None,
) -> None:
    """Kiến nghị sắp đến hạn trả lời trong N ngày làm việc tới."""
    from doithoai import reports
    from doithoai.text import vn_date
    from doithoai.workdays import check_days

    check_days(within)
    now = today(as_of)
    rows = reports.due_soon(open_db(), now, within, session=session, agency=agency, field=field)
    emit(rows, _columns([Col("days_left", "Còn (ngày LV)", "int", priority=9)]), fmt.value, out_path=output,
         title=f"Kiến nghị đến hạn trong {within} ngày làm việc kể từ {vn_date(now)}",
         empty=f"Không có kiến nghị nào đến hạn trong {within} ngày làm việc tới.", limit=limit, select=select,
         noun="kiến nghị")


@app.command("agency")
def agency(
    code: Annotated[str, typer.Argument(help="Mã cơ quan.", autocompletion=complete_agency)],
    as_of: AsOfOpt = None, fmt: FmtOpt = ReportFmt.table, output: OutOpt = None, limit: LimitOpt = None,
    select: ColumnsOpt = None,
) -> None:
    """Mọi kiến nghị một cơ quan đang được giao (chủ trì hoặc phối hợp)."""
    from doithoai import reports

    a, rows = reports.agency_holdings(open_db(), code, today(as_of))
    emit(rows, [Col("role", "Vai trò", labels={"lead": "Chủ trì", "support": "Phối hợp"}), *_columns([
        Col("days_overdue", "Quá hạn (ngày LV)", "int", priority=9)])[1:]], fmt.value, out_path=output,
        title=f"Kiến nghị giao {a['code']} — {a['name']}", empty=f"{a['code']} không được giao kiến nghị nào.",
        limit=limit, select=select, noun="kiến nghị")


def _bars(items: list[tuple[str, int]], width: int = 30) -> list[str]:
    if not items:
        return []
    top = max(n for _, n in items) or 1
    label_width = min(max(len(label) for label, _ in items), 40)
    return [f"  {label[:40].ljust(label_width)}  {'█' * max(1, round(n * width / top)) + ' ' if n else ''}{n}"
            for label, n in items]


@app.command("summary")
def summary(
    session: SessionFilterOpt = None, as_of: AsOfOpt = None,
    fmt: RecordFormatOpt = RecordFmt.table, all_units: AllUnitsOpt = False,
) -> None:
    """Tổng hợp: theo trạng thái, lĩnh vực, nguồn, cơ quan; tỷ lệ trả lời đúng hạn; thời gian trả lời trung vị."""
    from doithoai import reports
    from doithoai.text import vn_date

    now = today(as_of)
    if all_units:
        from doithoai import units

        per_unit = units.summary(units.open_server(db_path()), now)
        if fmt == RecordFmt.json:
            out(json.dumps(per_unit, ensure_ascii=False, indent=2))
            return
        emit([{**r, "on_time_share": None if r["on_time_share"] is None else round(r["on_time_share"] * 100)}
              for r in per_unit],
             [Col("unit", "Đơn vị", "code"), Col("unit_name", "Tên đơn vị"), Col("total", "Tổng số", "int"),
              Col("overdue", "Quá hạn", "int"), Col("written_answers", "Trả lời bằng văn bản", "int"),
              Col("on_time_share", "Đúng hạn (%)", "int")], "table",
             title=f"Tổng hợp kiến nghị các đơn vị, tính đến ngày {vn_date(now)}",
             footer=f"Cộng {len(per_unit)} đơn vị: {sum(r['total'] for r in per_unit)} kiến nghị, "
                    f"{sum(r['overdue'] for r in per_unit)} quá hạn.")
        return
    data = reports.summary(open_db(), now, session)
    if fmt == RecordFmt.json:
        out(json.dumps(data, ensure_ascii=False, indent=2))
        return
    scope = f" — cuộc đối thoại {data['session']}" if data["session"] else ""
    lines = [f"Tổng hợp kiến nghị{scope}, tính đến ngày {vn_date(now)}", "",
             f"Tổng số kiến nghị: {data['total']}; quá hạn chưa trả lời: {data['overdue']}"]
    if data["written_answers"]:
        lines.append(f"Trả lời bằng văn bản: {data['written_answers']}, đúng hạn {data['answered_on_time']} "
                     f"({data['on_time_share'] * 100:.0f}%); thời gian trả lời trung vị "
                     f"{data['median_working_days_to_written_answer']:g} ngày làm việc sau hội nghị")
    for heading, items in (
        ("Theo trạng thái", [(r["label"], r["count"]) for r in data["by_status"]]),
        ("Theo lĩnh vực", [(r["field"], r["count"]) for r in data["by_field"]]),
        ("Theo nguồn", [(r["label"], r["count"]) for r in data["by_source"]]),
        # only the agencies that have something overdue, most first: the list a clerk acts on
        ("Theo cơ quan chủ trì (quá hạn)", sorted(((f"{r['agency'] or '(chưa giao)'}", r["overdue"])
                                                   for r in data["by_agency"] if r["overdue"]), key=lambda x: -x[1])),
    ):
        lines += ["", heading + ":", *(_bars(items) or ["  (không có)"])]
    out("\n".join(_fitted(line) for line in lines))


def _fitted(line: str) -> str:
    """A sentence wrapped at word boundaries to the terminal's width (bars are short already)."""
    import textwrap

    from doithoai.cli._output import terminal_width

    width = terminal_width()
    return "\n".join(textwrap.wrap(line, width, subsequent_indent="  ")) if width and len(line) > width else line


@app.command("dashboard")
def dashboard(
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .html tạo ra.")],
    as_of: AsOfOpt = None,
    public: Annotated[bool, typer.Option("--public", help="Bản công khai: không có họ tên, địa chỉ, điện thoại, nội dung kiến nghị.")] = False,
    all_units: AllUnitsOpt = False,
) -> None:
    """Trang tổng quan một trang cho lãnh đạo: số liệu chính, biểu đồ, quá hạn lâu nhất, các mốc sắp tới.

    Một tệp HTML tự chứa (không cần mạng, không tải phông hay script ngoài), mở được trên mọi máy, in vừa một trang A4.
    """
    from doithoai import dashboard as board
    from doithoai.cli._output import info
    from doithoai.text import vn_date

    if all_units:
        from doithoai import units

        now = today(as_of)
        result = units.dashboard(units.open_server(db_path()), now, output, public=public)
        info(f"Đã ghi trang tổng quan {len(result['units'])} đơn vị tính đến ngày {vn_date(now)} vào {output}"
             + (" (bản công khai)." if public else "."))
        return
    data = board.write(open_db(), today(as_of), output, public=public)
    info(f"Đã ghi trang tổng quan tính đến ngày {vn_date(data['as_of'])} vào {output}"
         + (" (bản công khai)." if public else "."))
