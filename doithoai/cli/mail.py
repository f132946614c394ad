"""`doithoai mail`: test the mail settings, and the record of deliveries."""

from __future__ import annotations

from typing import Annotated

import typer

from doithoai.cli._options import (
    AsOfOpt,
    ColumnsOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    OutputOpt,
    group,
    open_db,
    today,
)
from doithoai.cli._output import Col, emit, info, warn

app = group("Thư điện tử: gửi thư thử, xem các thư đã gửi và chưa gửi được.")


@app.command("test")
def test(address: Annotated[str, typer.Argument(help="Địa chỉ nhận thư thử.", metavar="ĐỊA_CHỈ")], as_of: AsOfOpt = None) -> None:
    """Gửi một thư thử theo thiết lập mail.* (máy chủ, cổng, mã hóa, tài khoản) và ghi lại kết quả."""
    from doithoai import mail

    result = mail.send_test(open_db(), address, today(as_of))
    if result["result"] == "sent":
        info(f"Đã gửi thư thử tới {address} (Message-ID {result['message_id']}).")
        return
    warn(f"Chưa gửi được thư thử tới {address}: {result['error']}.")
    info("Gợi ý: kiểm tra mail.host, mail.port, mail.security, mail.user (`doithoai config show`) "
         "và mật khẩu (biến DOITHOAI_MAIL_PASSWORD hoặc tệp mail.password_file).")
    raise typer.Exit(1)


@app.command("log")
def log(
    day: Annotated[str | None, typer.Option("--date", help="Chỉ các thư của ngày này.")] = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: OutputOpt = None,
) -> None:
    """Các thư đã xếp gửi: ngày, người nhận, Message-ID, kết quả, số lần thử, lỗi."""
    from doithoai import mail
    from doithoai.cli._options import as_date

    day_value = as_date(day, "ngày --date")
    emit(mail.deliveries(open_db(), day_value.isoformat() if day_value else None),
         [Col("on_date", "Ngày", "date"), Col("target", "Loại", labels={"agency": "Cơ quan", "office": "Văn phòng",
                                                                           "test": "Thư thử"}),
          Col("agency", "Cơ quan", "code"), Col("status", "Kết quả", labels={"sent": "Đã gửi", "failed": "Lỗi", "pending": "Chờ gửi"}),
          Col("recipients", "Người nhận"), Col("attempts", "Lần thử", "int"), Col("sent_at", "Gửi lúc"),
          Col("message_id", "Message-ID", table=False), Col("subject", "Tiêu đề", table=False),
          Col("error", "Lỗi", max_width=40)], fmt.value, empty="Chưa có thư nào.", limit=limit, select=select,
         out_path=output, noun="thư")
