"""`doithoai db`: where the database is, and keeping it safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from doithoai.cli._options import db_path, group, open_db, shown_db_path
from doithoai.cli._output import info, out

app = group("Tệp cơ sở dữ liệu: vị trí, sao lưu, kiểm tra, khôi phục.")


@app.command("path")
def path() -> None:
    """In đường dẫn tệp cơ sở dữ liệu đang dùng (--db, $DOITHOAI_DB, hoặc mặc định)."""
    out(shown_db_path())


@app.command("backup")
def backup(file: Annotated[Path, typer.Argument(help="Tệp sao lưu mới (chỉ chủ sở hữu đọc được).")]) -> None:
    """Sao lưu trực tuyến: bản sao nhất quán kể cả khi đang có người dùng hoặc cron ghi.
    Bên cạnh bản sao có TỆP.json ghi mốc nhật ký (để `db check --anchor` đối chiếu về sau)."""
    from doithoai import maintenance
    from doithoai.text import vn_number

    result = maintenance.backup(open_db(), file)
    info(f"Đã sao lưu {shown_db_path()} vào {result['target']} ({vn_number(result['bytes'])} byte).")
    info(f"Mốc nhật ký: {result['anchor']}")


def _clock(at: str) -> str:
    """A recorded UTC time (ISO 8601) as the clerk's wall clock reads it: "14:05"."""
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%H:%M")
    except ValueError:  # a hand-edited record: shown as it is
        return at


@app.command("check")
def check(
    full: Annotated[bool, typer.Option("--full", help="Kiểm tra toàn bộ: integrity_check, khóa ngoại, cả chuỗi nhật ký, "
                                       "đối chiếu từng dòng với nhật ký (chậm với cơ sở dữ liệu lớn).")] = False,
    anchor: Annotated[str | None, typer.Option("--anchor", help="Đối chiếu thêm một mốc nhật ký đã lưu ở nơi khác "
                                                  "(SỐ:MÃ_BĂM, in trên bản sao lưu, hồ sơ, lần kiểm tra trước).")] = None,
) -> None:
    """Kiểm tra tệp: hỏng trang (quick_check), lược đồ, chuỗi nhật ký và các mốc lưu ngoài, dòng bị sửa/thêm/xóa
    ngoài doithoai. Mặc định chỉ kiểm phần thay đổi từ lần kiểm tra đạt gần nhất; --full kiểm lại tất cả."""
    from doithoai import maintenance
    from doithoai.cli._options import today
    from doithoai.errors import DoithoaiError

    result = maintenance.check(open_db(), full=full, anchor=anchor, today=today())
    if result["problems"]:
        raise DoithoaiError("Tệp cơ sở dữ liệu có vấn đề:\n  " + "\n  ".join(result["problems"]),
                            "Khôi phục từ bản sao lưu gần nhất (`doithoai db restore TỆP --force`) "
                            "và báo cho người quản trị; giữ nguyên tệp hiện tại để điều tra.")
    scope = "toàn bộ" if full else f"từ sự kiện số {result['from_event']}"
    info(f"{shown_db_path()}: không phát hiện vấn đề (đã kiểm {scope}).")
    if result.get("quick_check_at"):
        info(f"Kiểm tra trang (quick_check) đã đạt hôm nay lúc {_clock(result['quick_check_at'])}: không chạy lại; "
             "--full kiểm toàn bộ.")
    elif not full:
        info("Kiểm tra trang (quick_check) vừa đọc toàn bộ tệp (mỗi ngày một lần; các lần kiểm tra sau trong ngày "
             "và lệnh remind dùng lại kết quả này).")
    if result["anchor"]:
        info("Mốc nhật ký (ghi lại ở nơi khác để đối chiếu về sau):")
        out(result["anchor"])


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="Tệp sao lưu.")],
    force: Annotated[bool, typer.Option("--force", help="Thay tệp đang dùng, kể cả khi tệp đó đã hỏng "
                                        "(tệp cũ được giữ lại bên cạnh).")] = False,
) -> None:
    """Khôi phục từ bản sao lưu; không ghi đè nếu thiếu --force, và luôn giữ lại tệp bị thay."""
    from doithoai import maintenance

    result = maintenance.restore(file, db_path(), force)
    info(f"Đã khôi phục {result['target']} từ {file}."
         + (f" Tệp cũ{' (hỏng)' if result['damaged'] else ''} giữ tại {result['aside']}." if result["aside"] else ""))


@app.command("copy")
def copy(
    source: Annotated[str, typer.Argument(help="Nguồn: tệp SQLite hoặc địa chỉ postgresql://NGƯỜI_DÙNG@MÁY/CSDL?unit=ĐƠN_VỊ.")],
    target: Annotated[str, typer.Argument(help="Đích: tệp SQLite hoặc địa chỉ PostgreSQL (mật khẩu lấy từ PGPASSWORD "
                                          "hoặc ~/.pgpass, không ghi vào địa chỉ).")],
    force: Annotated[bool, typer.Option("--force", help="Thay toàn bộ dữ liệu đang có ở đích (tệp cũ được giữ lại "
                                        "bên cạnh, có đuôi .truoc-khi-chep-…).")] = False,
) -> None:
    """Chép toàn bộ cơ sở dữ liệu của một đơn vị giữa tệp SQLite và máy chủ PostgreSQL (hai chiều): mọi dòng, mọi sự
    kiện nhật ký, kiểm lại chuỗi nhật ký sau khi chép. Chép lại lần nữa không đổi gì; đích đã có dữ liệu khác thì
    cần --force."""
    from doithoai import transfer
    from doithoai.text import vn_number

    result = transfer.copy(source, target, force=force)
    if not result["copied"]:
        info(f"{result['target']} đã có đúng cơ sở dữ liệu này ({vn_number(result['rows'])} dòng, {vn_number(result['events'])} sự kiện); "
             "không chép lại.")
        return
    info(f"Đã chép {result['source']} sang {result['target']}: {vn_number(result['rows'])} dòng, {vn_number(result['events'])} sự kiện; "
         "chuỗi nhật ký ở đích đã kiểm, nguyên vẹn.")
    if result.get("aside"):
        info(f"Tệp cũ ở đích được giữ tại {result['aside']}.")
