"""The one place where errors become messages and exit codes.

Exit codes: 0 success; 1 refused operation or bad data; 2 bad usage;
3 `--fail-on-overdue` found something overdue; 130 interrupted.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from doithoai.cli._help import OPTIONS_METAVAR, SUBCOMMAND_METAVAR, click_exception_types, usage_error
from doithoai.errors import DoithoaiError, Fix

EXIT_OVERDUE = 3
_WRITE_ERRNOS = {28, 5, 27, 122}  # ENOSPC, EIO, EFBIG, EDQUOT

ClickException, UsageError = click_exception_types()


# The sentence for each Fix a service names (doithoai/errors.py): the command syntax lives here.
FIX_HINTS = {
    "session.list": "Xem danh sách bằng `doithoai session list`.",
    "session.hold": "Ghi nhận hội nghị đã diễn ra trước: `doithoai session hold {code}`.",
    "session.edit_date_or_on": "Nếu hội nghị đổi ngày, sửa trước: `doithoai session edit {code} --date DD/MM/YYYY`; "
                               "hoặc dùng --on với đúng ngày hội nghị.",
    "session.empty_before_cancel": "Chuyển sang cuộc đối thoại khác bằng `doithoai petition edit ID --session MÃ`, hủy lô "
                                   "nhập bằng `doithoai import undo LÔ`, hoặc rút bằng `doithoai petition withdraw ID "
                                   "--reason …`, rồi hủy lại.",
    "petition.withdraw_or_edit_acted": "Rút từng kiến nghị đó bằng `doithoai petition withdraw ID --mistake --reason …`, "
                                       "hoặc sửa bằng `doithoai petition edit`; các kiến nghị còn lại giữ nguyên.",
    "petition.escalate_to": "Thêm --to \"Tên cơ quan\", hoặc đặt `doithoai config set unit.escalate_to \"…\"`.",
    "calendar.remove_first": "Muốn thay đổi, xóa điều chỉnh cũ trước: `doithoai calendar remove {day}`.",
    "mail.set_host_sender": "Đặt máy chủ và địa chỉ gửi: `doithoai config set mail.host mail.example.gov.vn`, "
                            "`doithoai config set mail.sender vanphong@example.gov.vn` (xem README, mục Gửi thư).",
    "mail.set_password": "Đặt biến môi trường {variable}, hoặc ghi mật khẩu vào một tệp chỉ bạn đọc được "
                         "(chmod 600) rồi `doithoai config set mail.password_file ĐƯỜNG_DẪN`.",
    "petition.list": "Xem danh sách bằng `doithoai petition list`.",
    "petition.show": "Xem diễn biến bằng `doithoai petition show`.",
    "petition.reopen": "Mở lại trước: `doithoai petition reopen {id} --reason …`.",
    "petition.reopen_done": "Kiến nghị đã có kết quả; nếu cần xử lý lại: `doithoai petition reopen {id} --reason …`.",
    "petition.reopen_to_assign": "Kiến nghị đã xử lý xong; muốn giao lại, mở lại trước: `doithoai petition reopen {id} --reason …`.",
    "petition.show_same_form": "Xem bằng `doithoai petition show {id}`; nếu là phiếu khác, ghi đúng số phiếu.",
    "petition.answer_written_or_edit_date": "Ghi trả lời bằng văn bản, hoặc sửa ngày tiếp nhận: "
                                            "`doithoai petition edit {id} --registered-on …`.",
    "petition.duplicates": "Xem các kiến nghị nghi trùng bằng `doithoai petition duplicates`.",
    "petitioner.merge": "Nếu là cùng một người, gộp bằng `doithoai petitioner merge {keep} {other}`.",
    "agency.list_or_add": "Xem danh sách bằng `doithoai agency list`, hoặc thêm bằng `doithoai agency add MÃ \"Tên\"`.",
    "agency.edit": "Chọn mã khác, hoặc sửa cơ quan đó bằng `doithoai agency edit {code} …`.",
    "agency.deactivate_reassign": "Giao lại cho cơ quan khác khi ngừng: `doithoai agency deactivate {code} --reassign-to MÃ`.",
    "field.list": "Xem danh sách bằng `doithoai field list`.",
    "field.add": "Thêm lĩnh vực mới bằng `doithoai field add TÊN`.",
    "doc.fix_tags_then_check": "Sửa thẻ {{{{ … }}}} hoặc {{% … %}} trong Word (mỗi thẻ phải mở và đóng đủ), "
                               "rồi kiểm tra bằng `doithoai doc check TỆP`.",
    "doc.fields_or_check": "Xem các trường hợp lệ trong templates/TEMPLATES.md, hoặc chạy `doithoai doc check TỆP`.",
    "doc.check": "Kiểm tra mẫu bằng `doithoai doc check TỆP`.",
    "doc.reminder_again": "Tệp văn bản đã bị xóa hoặc chuyển đi; tạo lại bằng `doithoai doc reminder`.",
    "config.show": "Xem danh sách bằng `doithoai config show`.",
    "init": "Chạy `doithoai init --unit \"Tên đơn vị\" --level xa|huyen|tinh` trước.",
    "import.list": "Xem các lô bằng `doithoai import list`.",
    "import.list_undone": "Không cần hủy lại; xem `doithoai import list`.",
    "calendar.list": "Xem các điều chỉnh bằng `doithoai calendar list --year YYYY`.",
    "db.check": "Chạy `doithoai db check` để kiểm tra tệp.",
    "db.restore": "Khôi phục từ bản sao lưu gần nhất: `doithoai db restore TỆP --force` (tệp hỏng được giữ lại bên cạnh).",
    "db.restore_then_rerun": "Khôi phục từ bản sao lưu gần nhất: `doithoai db restore TỆP --force` (tệp hỏng được giữ lại "
                             "bên cạnh), rồi chạy lại lệnh.",
    "db.restore_or_init": "Nếu tệp bị hỏng, khôi phục từ bản sao lưu (`doithoai db restore TỆP --force`); "
                          "nếu muốn bắt đầu cơ sở dữ liệu mới tại đây, chạy `doithoai init --unit …`.",
    "db.path_or_restore": "Kiểm tra lại đường dẫn --db; nếu tệp hỏng, khôi phục từ bản sao lưu "
                          "(`doithoai db restore TỆP --force`, tệp hỏng được giữ lại bên cạnh).",
    "init.or_db": "Chạy `doithoai init --unit …` để khởi tạo, hoặc chỉ đúng tệp bằng --db.",
    "db.copy_force": "Chọn một đích trống, hoặc thêm --force để thay toàn bộ dữ liệu ở đích bằng bản chép "
                     "(tệp cũ được giữ lại bên cạnh, có đuôi .truoc-khi-chep-…).",
    "db.copy_check_source": "Kiểm tra nguồn bằng `doithoai db check --full` (với --db là nguồn) rồi chép lại.",
    "db.path": "Kiểm tra lại đường dẫn --db (hoặc biến DOITHOAI_DB).",
    "db.writable_or_other": "Kiểm tra thư mục có tồn tại và bạn có quyền ghi, hoặc chọn tệp khác bằng --db.",
    "db.disk_then_check": "Kiểm tra dung lượng và tình trạng ổ đĩa rồi chạy lại; sau đó chạy `doithoai db check`.",
    "db.restore_force": "Thêm --force để thay (tệp cũ được giữ lại bên cạnh, có đuôi .truoc-khoi-phuc-…).",
    "session.citizens": "Nhập số nguyên, ví dụ --citizens 120.",
    "session.commune": "Thêm --commune, ví dụ --commune \"Khoen On\".",
    "session.other_code": "Chọn mã khác hoặc bỏ --code để tự sinh mã.",
    "session.keep_commune": "Bỏ --commune nếu không muốn đổi.",
    "session.edit_what": "Dùng --date, --time, --location, --chair, --secretary, --title hoặc --commune.",
    "session.steps": "Thứ tự các bước: gửi giấy mời (session notice) → tổ chức (session hold) → "
                     "rút kinh nghiệm (session review) → kết thúc (session close).",
    "session.on_today": "Chỉ ghi nhận việc đã làm; bỏ --on để lấy ngày hôm nay.",
    "session.conclusion_text": "Dùng --text \"…\".",
    "petition.complex_reason": "Thêm --reason \"…\", ví dụ --reason \"Cần đo đạc, xác minh nguồn gốc đất\".",
    "petition.support_not_lead": "Bỏ cơ quan này khỏi --support.",
    "petition.written_doc": "Thêm --doc-number \"125/UBND-TNMT\" --doc-date DD/MM/YYYY.",
    "petition.notify_to": "Dùng --to petitioner hoặc --to mttq.",
    "petition.result_before_close": "Chỉ đóng kiến nghị đã trả lời bằng văn bản, đã chuyển hoặc đã trình cấp trên. "
                                    "Ghi nhận kết quả trước, ví dụ `doithoai petition answer {id} --written "
                                    "--doc-number … --doc-date … --summary …`.",
    "petition.transfer_first": "Ghi nhận việc chuyển trước: `doithoai petition transfer {id} --to \"…\"`.",
    "petition.escalate_first": "Ghi nhận trước: `doithoai petition escalate {id} --reason \"…\"`.",
    "petition.answer_first": "Ghi trả lời trước: `doithoai petition answer {id} …`.",
    "petition.assign": "Giao bằng `doithoai petition assign SỐ MÃ_CƠ_QUAN`.",
    "agency.add_name": "Ví dụ: doithoai agency add {code} \"Phòng Tài nguyên và Môi trường\".",
    "agency.keep_name": "Bỏ --name nếu không muốn đổi tên.",
    "agency.edit_what": "Dùng --name, --kind, --email, --head hoặc --aliases.",
    "agency.add_email": "Thêm địa chỉ bằng `doithoai agency edit {code} --email …`.",
    "field.add_name": "Ví dụ: doithoai field add \"Môi trường\".",
    "calendar.reason": "Thêm --reason, ví dụ --reason \"Nghỉ bù Tết\".",
    "calendar.source": "Thêm --source, ví dụ --source \"Công văn …/VPCP-KGVX\".",
    "calendar.confirm_year": "Khi có thông báo, thêm ngày nghỉ/làm bù (`calendar add-day-off`, `calendar add-workday`) "
                             "rồi chạy `doithoai calendar confirm {year} --source \"số văn bản\"`.",
    "calendar.recompute": "Chạy `doithoai calendar recompute` để tính lại các thời hạn còn mở.",
    "import.fix_or_skip_invalid": "Sửa các ô đã nêu rồi nhập lại; hoặc dùng --skip-invalid để nhập các dòng hợp lệ và "
                                  "ghi các dòng lỗi ra tệp riêng.",
    "import.other_rejects": "Chọn thư mục khác bằng --rejects; chưa có gì được ghi vào cơ sở dữ liệu.",
    "import.add_column_or_map": "Thêm cột đó vào dòng tiêu đề, hoặc chỉ rõ cột nào là gì bằng --map \"Tên cột=trường\".",
    "import.header_or_map": "Dòng tiêu đề cần có ít nhất hai cột như \"Họ và tên\", \"Địa chỉ\", \"Nội dung\"; "
                            "hoặc chỉ rõ bằng --map \"Tên cột=trường\".",
    "doc.template_path": "Kiểm tra đường dẫn --template hoặc thiết lập doc.template_dir.",
    "doc.kind_of_template": "Đặt tên tệp theo loại ({kinds}) hoặc dùng --kind.",
    "doc.output_docx": "Ví dụ: -o ke-hoach.docx.",
    "doc.charts_need_chromium": "Cài chromium (Debian/Ubuntu: `apt install chromium`) hoặc tạo văn bản không có --charts; "
                                "trang tổng quan `report dashboard` không cần trình duyệt này.",
    "doc.charts_retry": "Thử lại, hoặc tạo văn bản không có --charts.",
    "remind.other_out": "Chọn thư mục khác cho --out.",
    "mail.test_one": "Ví dụ: doithoai mail test vanphong@example.gov.vn.",
    "output.dir": "Tạo thư mục trước, hoặc chọn đường dẫn khác cho -o.",
    "output.other_name": "Chọn tên khác cho -o.",
    "db.anchor_form": "Mốc có dạng SỐ:MÃ_BĂM (64 ký tự hex), như `doithoai db check` hoặc manifest của bản sao lưu in ra.",
    "petition.show_petitioner": "Số người kiến nghị có trong `doithoai petition show` (mục Người kiến nghị).",
    "calendar.remove_to_replace": "Ngày đã điều chỉnh trước đó muốn thay thì xóa trước: `doithoai calendar remove NGÀY`.",
    "demo.other_dir": "Chọn thư mục khác (doithoai demo THƯ_MỤC) hoặc bỏ trống để dùng thư mục tạm mới.",
}


def phrase(f: Fix) -> str:
    """The sentence that tells a person how to apply a Fix, with the command or option to type."""
    return FIX_HINTS[f.action].format(**f.args)


def sentence(words: str | None, f: Fix | None) -> str:
    """A service's words followed by the phrased Fix (either may be missing)."""
    return " ".join(x for x in (words, f and phrase(f)) if x)


def hint_of(error: DoithoaiError) -> str | None:
    """The hint a person reads: the service's words, then the fixing command phrased here."""
    return sentence(error.hint, error.fix) or None


def print_error(message: str, hint: str | None = None) -> None:
    from doithoai.cli._output import err

    err(f"Lỗi: {message[:1].upper()}{message[1:]}")
    if hint:
        err(f"Gợi ý: {hint}")


def details(error: DoithoaiError) -> list[str]:
    """Lines under the message for errors that carry data: what to do about each item."""
    from doithoai.errors import OpenPetitions

    if not isinstance(error, OpenPetitions):
        return []
    from doithoai.statuses import LABELS as STATUS_LABELS
    from doithoai.text import vn_date

    lines = []
    for p in error.petitions:
        pid = p["id"]
        if p["status"] == "new" or not p.get("lead_agency"):
            state, fix = "chưa giao", f"doithoai petition assign {pid} MÃ_CƠ_QUAN"
        else:
            state = f"{STATUS_LABELS[p['status']]} {p['lead_agency']}, hạn {vn_date(p['due_on'])}"
            fix = (f"doithoai petition answer {pid} --written --doc-number SỐ --doc-date NGÀY "
                   "--summary \"…\"")
        lines.append(f"  Số {pid} ({state}): {fix}")
    lines.append("  Ngoài thẩm quyền thì chuyển (`doithoai petition transfer SỐ --to …`) hoặc trình cấp trên "
                 "(`doithoai petition escalate SỐ --reason …`).")
    return lines


class RootGroup(TyperGroup):
    """Runs every command in non-standalone mode and translates what comes out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from doithoai.cli._options import Context

        self.context_class = Context
        self.options_metavar = OPTIONS_METAVAR
        self.subcommand_metavar = SUBCOMMAND_METAVAR

    def make_context(self, info_name, args, parent=None, **extra):
        from doithoai.cli._options import Invocation

        extra.setdefault("obj", Invocation())
        return super().make_context(info_name, args, parent=parent, **extra)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        from doithoai.cli._help import vietnamese_completion_messages

        vietnamese_completion_messages(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, windows_expand_args=windows_expand_args, **extra)
            sys.stdout.flush()  # a full disk under `> file` shows here, not silently at exit
        except DoithoaiError as e:
            print_error(e.message, hint_of(e))
            for line in details(e):
                from doithoai.cli._output import err

                err(line)
            sys.exit(e.exit_code)
        except sqlite3.Error as e:
            from doithoai.cli._options import db_path
            from doithoai.db import sqlite_error

            translated = sqlite_error(db_path(), e)
            print_error(translated.message, hint_of(translated))
            sys.exit(1)
        except ClickException as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # a group typed alone: its help, as --help shows it
                from doithoai.cli._output import out

                out(e.format_message().rstrip("\n"))
                sys.exit(0)
            if isinstance(e, UsageError) and e.ctx is not None:
                hint = f"Xem `{e.ctx.command_path} --help`."
            else:
                hint = None
            print_error(f"sai cú pháp lệnh — {usage_error(e.format_message())}", hint)
            sys.exit(e.exit_code)
        except (typer.Abort, KeyboardInterrupt, EOFError):
            print_error("Đã hủy; không có thay đổi nào được ghi.")
            sys.exit(130)
        except BrokenPipeError:  # the reader left before the command had finished writing
            from doithoai.cli._output import reader_gone

            reader_gone()
            sys.exit(0)
        except Exception as e:  # never a traceback for a user; DOITHOAI_DEBUG=1 shows it
            if os.environ.get("DOITHOAI_DEBUG"):
                raise
            if type(e).__module__.startswith("psycopg"):  # the server's error, in words (psycopg loaded already)
                from doithoai import pg

                translated = pg.pg_error(pg.LAST_URL or "postgresql://", e)  # type: ignore[arg-type]
                print_error(translated.message, hint_of(translated))
                sys.exit(1)
            if isinstance(e, OSError) and e.errno in _WRITE_ERRNOS:
                print_error(f"không ghi được kết quả ra đầu ra chuẩn ({e.strerror}); kết quả bị cắt, không dùng được.",
                            "Giải phóng dung lượng ổ đĩa (hoặc ghi vào nơi khác) rồi chạy lại.")
                sys.exit(1)
            print_error(
                f"lỗi không mong đợi ({type(e).__name__}: {e}). Không có thay đổi nào được ghi dở.",
                "Chạy lại với DOITHOAI_DEBUG=1 để xem chi tiết và gửi cho người phát triển.",
            )
            sys.exit(1)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            from doithoai.cli._output import reader_gone

            reader_gone()
        sys.exit(rv if isinstance(rv, int) else 0)

