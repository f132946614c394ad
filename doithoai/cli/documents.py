"""`doithoai doc`: official documents from editable templates, and the document register."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from doithoai.cli._options import (
    AsOfOpt,
    ColumnsOpt,
    Fmt,
    FormatOpt,
    LimitOpt,
    ListFmt,
    ListFormatOpt,
    RecordFmt,
    RecordFormatOpt,
    as_date,
    complete_agency,
    complete_petition,
    complete_session,
    group,
    open_db,
    today,
)
from doithoai.cli._options import OutputOpt as ListOutputOpt
from doithoai.cli._output import Col, emit, info, out

app = group("Văn bản: kế hoạch, giấy mời, phiếu đăng ký, biên bản, thông báo kết luận, "
                  "báo cáo, đôn đốc, chuyển kiến nghị; sổ văn bản.")
SessionArg = Annotated[str, typer.Argument(help="Số hoặc mã cuộc đối thoại.", metavar="SESSION", autocompletion=complete_session)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Tệp .docx tạo ra.")]
TemplateOpt = Annotated[Optional[Path], typer.Option("--template", help="Dùng mẫu .docx này thay cho mẫu mặc định.")]
DateOpt = Annotated[Optional[str], typer.Option("--date", help="Ngày ban hành ghi trên văn bản (mặc định hôm nay).")]
PublicOpt = Annotated[bool, typer.Option("--public", help="Che thông tin cá nhân (tên viết tắt, ẩn địa chỉ).")]


def _generate(kind: str, output: Path, template: Path | None, date: str | None, as_of_text: str | None, **kw) -> dict:
    from doithoai.db import transaction
    from doithoai.documents import engine

    db = open_db()
    doc_date = as_date(date, "ngày văn bản") or today(as_of_text)
    with transaction(db):
        result = engine.generate(db, kind, output, doc_date=doc_date, template=template, **kw)
    number = f" số {result['number']}" if result["number"] else ""
    again = " (tạo lại, giữ số cũ)" if result.get("regenerated") else ""
    info(f"Đã tạo {output}{number}{again}.")
    return result


def _session_id(ref: str) -> int:
    from doithoai import sessions

    return sessions.get(open_db(), ref)["id"]


@app.command("plan")
def plan(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None) -> None:
    """Kế hoạch tổ chức tiếp xúc, đối thoại (theo mẫu kế hoạch gốc), có các mốc thời hạn."""
    _generate("plan", output, template, date, as_of, session_id=_session_id(session), session=session)


@app.command("invitation")
def invitation(
    session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
    invitee: Annotated[Optional[List[str]], typer.Option("--invitee", help="Người/đơn vị được mời (lặp lại được).")] = None,
    invitees: Annotated[Optional[Path], typer.Option("--invitees", help="Tệp danh sách được mời, mỗi dòng một tên.")] = None,
    with_form: Annotated[bool, typer.Option("--form/--no-form", help="Tạo kèm phiếu đăng ký trống bên cạnh (TÊN-phieu-dang-ky.docx).")] = True,
) -> None:
    """Giấy mời (mỗi người được mời một trang, hoặc một giấy mời chung), kèm phiếu đăng ký nội dung phát biểu."""
    from doithoai.text import clean

    names = [clean(n) for n in invitee or [] if clean(n)]
    if invitees:
        from doithoai.errors import DoithoaiError

        try:
            names += [clean(line.split(",")[0]) for line in invitees.read_text(encoding="utf-8-sig").splitlines() if clean(line)]
        except (OSError, UnicodeDecodeError) as e:
            raise DoithoaiError(f"Không đọc được danh sách {invitees}: {e}.", "Dùng tệp văn bản UTF-8, mỗi dòng một tên.") from None
    _generate("invitation", output, template, date, as_of, session_id=_session_id(session), session=session,
              invitees=names or None)
    if with_form:
        _generate("form", output.with_name(f"{output.stem}-phieu-dang-ky.docx"), None, date, as_of,
                  session_id=_session_id(session), session=session)


@app.command("form")
def form(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None) -> None:
    """Phiếu đăng ký nội dung phát biểu (để trống); phiếu đã điền nhập lại được bằng `petition import`."""
    _generate("form", output, template, date, as_of, session_id=_session_id(session), session=session)


@app.command("minutes")
def minutes(
    session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
    end_time: Annotated[str, typer.Option("--end-time", help="Giờ kết thúc, ví dụ 11:30.")] = "",
    public: PublicOpt = False,
) -> None:
    """Biên bản hội nghị: người phát biểu theo thứ tự, nội dung, trả lời, kết luận; chữ ký thư ký và chủ trì."""
    from doithoai.text import parse_time

    end = parse_time(end_time).replace(":", " giờ ") if end_time else ""
    _generate("minutes", output, template, date, as_of, session_id=_session_id(session), session=session,
              end_time=end, public=public)


@app.command("conclusions")
def conclusions(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
                as_of: AsOfOpt = None) -> None:
    """Thông báo kết luận: từng kiến nghị, kết luận, cơ quan chịu trách nhiệm và thời hạn."""
    _generate("conclusions", output, template, date, as_of, session_id=_session_id(session), session=session)


@app.command("report")
def report(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
           as_of: AsOfOpt = None, public: PublicOpt = False) -> None:
    """Báo cáo kết quả hội nghị: tổ chức, kết quả, đánh giá, phụ lục danh mục kiến nghị."""
    _generate("report", output, template, date, as_of, session_id=_session_id(session), session=session, public=public)


@app.command("reminder")
def reminder(
    agency: Annotated[str, typer.Argument(help="Mã cơ quan.", autocompletion=complete_agency)], output: OutputOpt, template: TemplateOpt = None,
    date: DateOpt = None, as_of: AsOfOpt = None,
    level: Annotated[int, typer.Option("--level", help="Lần đôn đốc; từ 2 trở lên gửi thủ trưởng, đồng gửi người chủ trì.")] = 1,
) -> None:
    """Văn bản đôn đốc một cơ quan trả lời các kiến nghị quá hạn (lệnh `remind` làm việc này hằng ngày)."""
    from doithoai import agencies

    now = today(as_of)
    a = agencies.get(open_db(), agency)
    _generate("reminder", output, template, date, as_of, agency_id=a["id"], agency=a["code"], as_of=now, level=level,
              key_suffix=f":{now.isoformat()}")


@app.command("transfer")
def transfer(
    petition: Annotated[int, typer.Argument(help="Số kiến nghị đã chuyển (petition transfer).", metavar="ID", autocompletion=complete_petition)],
    output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
) -> None:
    """Phiếu chuyển kiến nghị đến cơ quan có thẩm quyền, kèm thông báo cho người kiến nghị."""
    from doithoai import petitions
    from doithoai.errors import InvalidTransition

    p = petitions.get(open_db(), petition)
    if p["status"] != "transferred":
        raise InvalidTransition(f"Kiến nghị số {petition} chưa được chuyển.",
                                f"Ghi nhận việc chuyển trước: `doithoai petition transfer {petition} --to \"…\"`.")
    _generate("transfer", output, template, date, as_of, petition_id=petition, petition=petition)


@app.command("templates")
def templates(fmt: FormatOpt = Fmt.table) -> None:
    """Các mẫu văn bản đang dùng và nguồn của từng mẫu (của đơn vị hay có sẵn)."""
    from doithoai.documents import engine

    emit(engine.list_templates(open_db()), [Col("kind", "Loại"), Col("title", "Văn bản"), Col("origin", "Nguồn"),
                                            Col("path", "Tệp")], fmt.value)


@app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="Tệp mẫu .docx.")],
    kind: Annotated[Optional[str], typer.Option("--kind", help="Loại văn bản (mặc định theo tên tệp).")] = None,
    fmt: RecordFormatOpt = RecordFmt.table,
) -> None:
    """Kiểm tra một mẫu: trường không có (mẫu dùng nhưng chương trình không cung cấp) và trường còn thiếu."""
    from doithoai.documents import engine
    from doithoai.errors import DoithoaiError

    result = engine.check(file, kind)
    if fmt == RecordFmt.json:
        out(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        out(f"Mẫu {result['file']} (loại {result['kind']}): dùng {len(result['used'])} trường.")
        if result["missing"]:
            out("Còn thiếu: " + ", ".join(result["missing"]))
    if result["unknown"]:
        raise DoithoaiError(f"{file}: trường không có: {', '.join(result['unknown'])}.",
                            "Sửa tên trường theo templates/TEMPLATES.md.")
    if not result["missing"]:
        info("Mẫu hợp lệ.")


@app.command("register")
def register(
    year: Annotated[Optional[int], typer.Option("--year", help="Năm.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Loại văn bản.")] = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: ListOutputOpt = None,
) -> None:
    """Sổ văn bản: số, loại, ngày, tệp và mã băm sha256 của các văn bản đã tạo."""
    from doithoai.documents import engine

    emit(engine.register_rows(open_db(), year, kind),
         [Col("number_text", "Số"), Col("kind", "Loại"), Col("doc_date", "Ngày", "date"), Col("session", "Cuộc ĐT"),
          Col("agency", "Cơ quan"), Col("path", "Tệp"), Col("sha256", "sha256", table=False), Col("user", "Người tạo")],
         fmt.value, empty="Sổ văn bản trống.", limit=limit, select=select, out_path=output, noun="văn bản")
