"""`doithoai doc`: official documents from editable templates, and the document register."""

from __future__ import annotations

import json
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
# Paths stay strings so that messages print them exactly as the clerk typed them.
OutputOpt = Annotated[str, typer.Option("--output", "-o", help="Tệp .docx tạo ra.")]
TemplateOpt = Annotated[str | None, typer.Option("--template", help="Dùng mẫu .docx này thay cho mẫu mặc định.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="Ngày ban hành ghi trên văn bản (mặc định hôm nay).")]
PublicOpt = Annotated[bool, typer.Option("--public", help="Che thông tin cá nhân (tên viết tắt, ẩn địa chỉ).")]


def _sibling(output: str, suffix: str) -> str:
    """'vb/giay-moi.docx' → 'vb/giay-moi-phieu-dang-ky.docx', keeping the folder as typed."""
    stem = output[:-5] if output.lower().endswith(".docx") else output
    return f"{stem}-{suffix}.docx"


def _generate(kind: str, output: str, template: str | None, date: str | None, as_of_text: str | None,
              issue: IssueOptions | None = None, default_date=None, **kw) -> dict:
    from doithoai.db import transaction
    from doithoai.documents import engine
    from doithoai.text import vn_date

    issue = issue or IssueOptions()
    db = open_db()
    doc_date = as_date(date, "ngày văn bản") or default_date or today(as_of_text)
    try:
        with transaction(db):
            result = engine.generate(db, kind, output, doc_date=doc_date, template=template, reissue=issue.reissue,
                                     draft=issue.draft, date_given=date is not None, signer_title=issue.signer_title,
                                     signer_name=issue.signer_name, **kw)
    except engine.IssueRefused as e:
        ways = {"allow_unassigned": "nếu vẫn muốn ban hành, thêm --allow-unassigned (các kiến nghị đó in "
                                    "\"Ghi nhận.\", chưa có cơ quan).",
                "draft": "hoặc tạo bản nháp không số bằng --draft."}
        from doithoai.errors import DoithoaiError

        hint = e.hint or ""
        raise DoithoaiError(e.message, f"{hint} {ways[e.option][:1].upper()}{ways[e.option][1:]}"
                            if e.option == "allow_unassigned" else f"{hint[:-1]}, {ways[e.option]}") from None
    state = result.get("state")
    if state == "draft":
        info(f"Đã tạo bản nháp {output} (không số, không vào sổ văn bản).")
    elif state == "blank":
        info(f"Đã tạo {output} (phiếu trống, không vào sổ văn bản).")
    elif state == "reproduced":
        info(f"{output}: bản đã ban hành số {result['number'] or '(không số)'} ngày {vn_date(result['doc_date'])}, "
             "ghi lại đúng như khi ban hành.")
        if result.get("other_date"):
            info("Ngày --date khác ngày ban hành nên không dùng; muốn ban hành văn bản mới (số mới), thêm --reissue.")
    elif state == "reissued":
        info(f"Đã ban hành lại {output} số {result['number']} (thay văn bản số {result['replaces']}).")
    else:
        number = f" số {result['number']}" if result["number"] else ""
        info(f"Đã ban hành {output}{number}.")
    return result


class IssueOptions:
    def __init__(self, reissue: bool = False, draft: bool = False, signer_title: str | None = None,
                 signer_name: str | None = None) -> None:
        self.reissue, self.draft, self.signer_title, self.signer_name = reissue, draft, signer_title, signer_name


ReissueOpt = Annotated[bool, typer.Option("--reissue", help="Ban hành lại thành văn bản mới (số mới); văn bản cũ vẫn ở sổ, ghi là đã thay.")]
DraftOpt = Annotated[bool, typer.Option("--draft", help="Bản nháp: không số, không vào sổ văn bản.")]
SignerTitleOpt = Annotated[str | None, typer.Option("--signer-title", help="Chức vụ người ký cho văn bản này; nhiều dòng ngăn bằng ' / ', ví dụ \"KT. CHỦ TỊCH / PHÓ CHỦ TỊCH\".")]
SignerNameOpt = Annotated[str | None, typer.Option("--signer-name", help="Họ tên người ký cho văn bản này.")]


def _opts(reissue: bool, draft: bool, signer_title: str | None, signer_name: str | None) -> IssueOptions:
    from doithoai.text import clean

    return IssueOptions(reissue, draft, clean(signer_title) if signer_title is not None else None,
                        clean(signer_name) if signer_name is not None else None)


def _session_id(ref: str) -> int:
    from doithoai import sessions

    return sessions.get(open_db(), ref)["id"]


@app.command("plan")
def plan(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
         reissue: ReissueOpt = False, draft: DraftOpt = False, signer_title: SignerTitleOpt = None,
         signer_name: SignerNameOpt = None) -> None:
    """Kế hoạch tổ chức tiếp xúc, đối thoại (theo mẫu kế hoạch gốc), có các mốc thời hạn."""
    _generate("plan", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              session_id=_session_id(session), session=session)


@app.command("invitation")
def invitation(
    session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
    invitee: Annotated[list[str] | None, typer.Option("--invitee", help="Người/đơn vị được mời (lặp lại được).")] = None,
    invitees: Annotated[Path | None, typer.Option("--invitees", help="Tệp danh sách được mời, mỗi dòng một tên.")] = None,
    with_form: Annotated[bool, typer.Option("--form/--no-form", help="Tạo kèm phiếu đăng ký trống bên cạnh (TÊN-phieu-dang-ky.docx).")] = True,
    reissue: ReissueOpt = False, draft: DraftOpt = False, signer_title: SignerTitleOpt = None,
    signer_name: SignerNameOpt = None,
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
    _generate("invitation", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              session_id=_session_id(session), session=session, invitees=names or None)
    if with_form:
        _generate("form", _sibling(output, "phieu-dang-ky"), None, date, as_of,
                  session_id=_session_id(session), session=session)


@app.command("form")
def form(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None) -> None:
    """Phiếu đăng ký nội dung phát biểu (để trống); phiếu đã điền nhập lại được bằng `petition import`."""
    _generate("form", output, template, date, as_of, session_id=_session_id(session), session=session)


@app.command("minutes")
def minutes(
    session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
    end_time: Annotated[str, typer.Option("--end-time", help="Giờ kết thúc, ví dụ 11:30 (mặc định giờ ghi ở cuộc đối thoại).")] = "",
    public: PublicOpt = False, reissue: ReissueOpt = False, draft: DraftOpt = False,
) -> None:
    """Biên bản hội nghị, ghi ngày họp: thành phần, người phát biểu theo thứ tự, nội dung, trả lời, kết luận;
    thư ký và người chủ trì ký (họ tên ghi ở cuộc đối thoại: --chair-name, --secretary-name)."""
    import datetime as dt

    from doithoai import sessions
    from doithoai.text import parse_time

    end = parse_time(end_time) if end_time else ""
    end = (f"{int(end[:2])} giờ {end[3:]}" if end[3:] != "00" else f"{int(end[:2])} giờ") if end else ""
    s = sessions.get(open_db(), session)
    _generate("minutes", output, template, date, as_of, _opts(reissue, draft, None, None),
              default_date=dt.date.fromisoformat(s["date"]), session_id=s["id"], session=session,
              end_time=end, public=public)


@app.command("conclusions")
def conclusions(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
                as_of: AsOfOpt = None, reissue: ReissueOpt = False, draft: DraftOpt = False,
                signer_title: SignerTitleOpt = None, signer_name: SignerNameOpt = None,
                allow_unassigned: Annotated[bool, typer.Option("--allow-unassigned", help="Ban hành dù còn kiến nghị chưa giao cơ quan, chưa trả lời.")] = False) -> None:
    """Thông báo kết luận: từng kiến nghị (ai, ở đâu, nội dung), kết luận, cơ quan chủ trì, phối hợp và thời hạn."""
    _generate("conclusions", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              session_id=_session_id(session), session=session, allow_unassigned=allow_unassigned)


@app.command("report")
def report(session: SessionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
           as_of: AsOfOpt = None, public: PublicOpt = False, reissue: ReissueOpt = False, draft: DraftOpt = False,
           signer_title: SignerTitleOpt = None, signer_name: SignerNameOpt = None,
           charts: Annotated[bool, typer.Option("--charts", help="Kèm các biểu đồ của trang tổng quan (vẽ bằng chromium).")] = False) -> None:
    """Báo cáo kết quả hội nghị: tổ chức, kết quả, đánh giá; phụ lục danh mục kiến nghị trên trang riêng."""
    pictures = _chart_pictures(session, as_of) if charts else None  # drawn first: no browser, nothing issued
    result = _generate("report", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
                       session_id=_session_id(session), session=session, public=public)
    if pictures:
        _embed_charts(result, pictures)


def _chart_pictures(session: str, as_of: str | None):
    from doithoai import dashboard

    return dashboard.chart_pictures(open_db(), today(as_of), _session_id(session))


def _embed_charts(result: dict, pictures) -> None:
    from doithoai import dashboard
    from doithoai.db import transaction

    db = open_db()
    with transaction(db):
        done = dashboard.embed_in_document(db, result, pictures)
    if done:
        info(f"Đã thêm {len(pictures)} biểu đồ vào {result['path']}.")
    elif result.get("state") == "reproduced" and not dashboard.has_charts(result["path"]):
        info(f"Văn bản số {result['number']} đã ban hành không kèm biểu đồ và được giữ nguyên như khi ban hành; "
             "muốn kèm biểu đồ, ban hành lại: thêm --reissue.")


@app.command("reminder")
def reminder(
    agency: Annotated[str, typer.Argument(help="Mã cơ quan.", autocompletion=complete_agency)], output: OutputOpt, template: TemplateOpt = None,
    date: DateOpt = None, as_of: AsOfOpt = None,
    level: Annotated[int, typer.Option("--level", help="Lần đôn đốc; từ 2 trở lên gửi thủ trưởng, đồng gửi người chủ trì.")] = 1,
    reissue: ReissueOpt = False, draft: DraftOpt = False, signer_title: SignerTitleOpt = None,
    signer_name: SignerNameOpt = None,
) -> None:
    """Văn bản đôn đốc một cơ quan trả lời các kiến nghị quá hạn (lệnh `remind` làm việc này hằng ngày)."""
    from doithoai import agencies

    now = today(as_of)
    a = agencies.get(open_db(), agency)
    _generate("reminder", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              agency_id=a["id"], agency=a["code"], as_of=now, level=level, key_suffix=f":{now.isoformat()}")


PetitionArg = Annotated[int, typer.Argument(help="Số kiến nghị.", metavar="ID", autocompletion=complete_petition)]


@app.command("transfer")
def transfer(
    petition: Annotated[int, typer.Argument(help="Số kiến nghị đã chuyển (petition transfer).", metavar="ID", autocompletion=complete_petition)],
    output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None, as_of: AsOfOpt = None,
    reissue: ReissueOpt = False, draft: DraftOpt = False, signer_title: SignerTitleOpt = None,
    signer_name: SignerNameOpt = None,
    with_notice: Annotated[bool, typer.Option("--notice/--no-notice", help="Tạo kèm thông báo cho người kiến nghị (TÊN-thong-bao.docx), số riêng.")] = True,
) -> None:
    """Công văn chuyển kiến nghị đến cơ quan có thẩm quyền (CV) và thông báo cho người kiến nghị (TB):
    hai văn bản, hai số. Số công văn là số ghi ở việc chuyển (`petition transfer --doc-number`), hoặc
    số mới được ghi vào đó."""
    opts = _opts(reissue, draft, signer_title, signer_name)
    _generate("transfer", output, template, date, as_of, opts, petition_id=petition, petition=petition)
    if with_notice:
        _generate("transfer_notice", _sibling(output, "thong-bao"), None, date, as_of, opts,
                  petition_id=petition, petition=petition)


@app.command("escalation")
def escalation(
    petition: PetitionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
    as_of: AsOfOpt = None, reissue: ReissueOpt = False, draft: DraftOpt = False,
    signer_title: SignerTitleOpt = None, signer_name: SignerNameOpt = None,
) -> None:
    """Văn bản trình cấp trên giải quyết một kiến nghị vượt thẩm quyền (sau `petition escalate`)."""
    _generate("escalation", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              petition_id=petition, petition=petition)


@app.command("answer-notice")
def answer_notice(
    petition: PetitionArg, output: OutputOpt, template: TemplateOpt = None, date: DateOpt = None,
    as_of: AsOfOpt = None, reissue: ReissueOpt = False, draft: DraftOpt = False,
    signer_title: SignerTitleOpt = None, signer_name: SignerNameOpt = None,
) -> None:
    """Thông báo cho người kiến nghị kết quả giải quyết kiến nghị (sau khi đã có trả lời)."""
    _generate("answer_notice", output, template, date, as_of, _opts(reissue, draft, signer_title, signer_name),
              petition_id=petition, petition=petition, key_suffix=":answer")


@app.command("templates")
def templates(fmt: FormatOpt = Fmt.table) -> None:
    """Các mẫu văn bản đang dùng và nguồn của từng mẫu (của đơn vị hay có sẵn)."""
    from doithoai.documents import engine

    emit(engine.list_templates(open_db()), [Col("kind", "Loại"), Col("title", "Văn bản"), Col("origin", "Nguồn"),
                                            Col("path", "Tệp")], fmt.value)


@app.command("check")
def check(
    file: Annotated[str, typer.Argument(help="Tệp mẫu .docx.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Loại văn bản (mặc định theo tên tệp).")] = None,
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
    if result["private"]:
        raise DoithoaiError(f"Mẫu {file} truy cập thuộc tính nội bộ ({', '.join(result['private'])}); "
                            "khi điền mẫu sẽ bị từ chối.", "Xóa các thẻ đó; chỉ dùng trường trong templates/TEMPLATES.md.")
    if result["unknown"]:
        raise DoithoaiError(f"Mẫu {file} dùng trường không có: {', '.join(result['unknown'])}.",
                            "Sửa tên trường theo templates/TEMPLATES.md.")
    if not result["missing"]:
        info("Mẫu hợp lệ.")


@app.command("register")
def register(
    year: Annotated[int | None, typer.Option("--year", help="Năm.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Loại văn bản.")] = None,
    limit: LimitOpt = None,
    select: ColumnsOpt = None,
    fmt: ListFormatOpt = ListFmt.table,
    output: ListOutputOpt = None,
) -> None:
    """Sổ văn bản: số, loại, ngày, tệp, mã băm sha256 và mốc nhật ký (kiểm tra bằng `db check`) của các văn bản đã tạo."""
    from doithoai.documents import engine
    from doithoai.documents.context import TITLES

    emit(engine.register_rows(open_db(), year, kind),
         [Col("number_text", "Số", "code"), Col("kind", "Văn bản", labels=TITLES), Col("doc_date", "Ngày", "date"),
          Col("status", "Tình trạng", labels={"issued": "đã ban hành", "replaced": "đã thay"}),
          Col("replaced_by", "Thay bằng", table=False), Col("session", "Cuộc ĐT", "code"),
          Col("agency", "Cơ quan", "code"), Col("path", "Tệp"), Col("sha256", "sha256", table=False), Col("user", "Người tạo"),
          Col("anchor", "Mốc nhật ký", table=False)],
         fmt.value, empty="Sổ văn bản trống.", limit=limit, select=select, out_path=output, noun="văn bản")
