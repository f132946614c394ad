"""Click's and Typer's own words in Vietnamese: help headings, the help option, metavars,
usage placeholders and usage errors.

Typer 0.28 vendors click, whose strings are English literals (no gettext), so they are
replaced where they are produced: the help formatter (headings, "Usage:", "[default: …]",
the help option's line), the command tree once built (metavars, "[OPTIONS]"), and the usage
error the root group prints. Only the standard library and typer are imported here.
"""

from __future__ import annotations

import re
from typing import Any

import typer

HEADINGS = {
    "Usage": "Cách dùng", "Options": "Tùy chọn", "Arguments": "Tham số", "Commands": "Lệnh",
}
OPTIONS_METAVAR = "[TÙY_CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [THAM_SỐ]..."

# words click/typer put inside a help line
_HELP_WORDS = [
    ("Show this message and exit.", "Xem hướng dẫn này rồi thoát."),
    ("[default: ", "[mặc định: "), ("; default: ", "; mặc định: "),
    ("[required]", "[bắt buộc]"), ("; required]", "; bắt buộc]"),
    ("[env var: ", "[biến môi trường: "), ("; env var: ", "; biến môi trường: "),
    ("(dynamic)", "(tính khi chạy)"),
    ("Install completion for the current shell.", "Cài gợi ý lệnh bằng phím Tab (mã cuộc đối thoại, mã cơ quan, số "
     "kiến nghị) cho shell đang dùng: bash, zsh, fish."),
    ("Show completion for the current shell, to copy it or customize the installation.",
     "In mã gợi ý lệnh bằng phím Tab cho shell đang dùng, để chép hoặc tự cài."),
    ("Install completion for the specified shell.", "Cài gợi ý lệnh bằng phím Tab cho shell được chỉ định."),
    ("Show completion for the specified shell, to copy it or customize the installation.",
     "In mã gợi ý lệnh bằng phím Tab cho shell được chỉ định."),
]

# metavar by parameter name: what the value is, in the clerk's words
_METAVAR_BY_NAME = {
    **dict.fromkeys(("as_of", "date", "doc_date", "due", "on", "registered_on", "received_from", "received_to",
                     "due_from", "due_to", "from_", "to_date", "since", "until"), "NGÀY"),
    **dict.fromkeys(("session", "ref", "code", "agency", "support", "to", "reassign_to"), "MÃ"),
    **dict.fromkeys(("file", "output", "rejects", "template", "invitees", "path"), "TỆP"),
    **dict.fromkeys(("directory", "out", "out_dir", "folder"), "THƯ_MỤC"),
    **dict.fromkeys(("pid", "petition", "id", "ids", "into"), "SỐ"),
    **dict.fromkeys(("name", "unit", "chair", "secretary", "head", "signer_name", "parent", "place", "commune",
                     "invitee", "signer_on_behalf"), "TÊN"),
    "files": "TỆP...", "days": "SỐ_NGÀY", "within": "SỐ_NGÀY", "year": "NĂM", "limit": "SỐ_DÒNG",
    "status": "TRẠNG_THÁI", "urgency": "MỨC_ĐỘ", "source": "NGUỒN", "field": "LĨNH_VỰC",
    "search": "TỪ_KHÓA", "sheet": "TRANG", "map": "CỘT=TRƯỜNG", "time": "GIỜ", "end_time": "GIỜ",
    "phone": "SỐ_ĐT", "email": "THƯ_ĐIỆN_TỬ", "address": "ĐỊA_CHỈ", "aliases": "TÊN_KHÁC",
    "doc_number": "SỐ_VĂN_BẢN", "form_no": "SỐ_PHIẾU", "symbol": "KÝ_HIỆU", "key": "KHÓA", "value": "GIÁ_TRỊ",
    "kind": "LOẠI", "columns": "CỘT,...", "order": "SỐ_TT", "level": "LẦN", "title": "TIÊU_ĐỀ",
    "signer_title": "CHỨC_VỤ", "location": "ĐỊA_ĐIỂM", "db": "TỆP", "keep": "GIỮ", "other": "TRÙNG", "batch": "LÔ",
}
_METAVAR_BY_TYPE = {"integer": "SỐ", "float": "SỐ", "path": "TỆP", "file": "TỆP", "text": "NỘI_DUNG"}


def metavar_for(param) -> str | None:
    """A Vietnamese name for the value a parameter takes; None keeps a choice list as typer shows it."""
    type_name = getattr(param.type, "name", "")
    if type_name == "choice" or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    return _METAVAR_BY_NAME.get(param.name or "") or _METAVAR_BY_TYPE.get(type_name, "NỘI_DUNG")


def _translate(text: str, table) -> str:
    for english, vietnamese in table:
        text = text.replace(english, vietnamese)
    return text


_HelpFormatter = typer.Context.formatter_class  # click's HelpFormatter, reached through typer's public Context


class Formatter(_HelpFormatter):  # type: ignore[misc,valid-type]  # a class found at run time
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=f"{HEADINGS['Usage']}: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _translate(text, _HELP_WORDS)) for term, text in rows], col_max, col_spacing)


def localise(command) -> None:
    """Vietnamese placeholders and metavars on a built command and everything under it."""
    from doithoai.cli._options import Context

    command.context_class = Context
    if getattr(command, "options_metavar", None) == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for param in command.params:
        if param.metavar is None or param.metavar.isascii():
            vietnamese = metavar_for(param)
            if vietnamese:
                param.metavar = vietnamese
    for sub in getattr(command, "commands", {}).values():
        localise(sub)


# click's usage errors; what they name (the option, the value) stays as it is
_USAGE_ERRORS = [
    (r"^No such option: (\S+)$", r"không có tùy chọn \1."),  # a sentence like the others
    (r"No such option: (\S+)", r"không có tùy chọn \1"),
    (r"\s*\(Possible options: (.*)\)", r". Có phải ý bạn là: \1?"),
    (r"No such command '(.*?)'\.", r"không có lệnh '\1'."),
    (r" ?Did you mean (.*)\?", r" Có phải ý bạn là \1?"),
    (r"Missing command\.", "thiếu lệnh."),
    (r"Got unexpected extra arguments? ?(\(s\))? \((.*)\)", r"thừa tham số (\2)"),
    (r"Got unexpected extra argument(\(s\))?", "thừa tham số"),
    (r"Option '(.*?)' requires an argument\.?", r"tùy chọn '\1' cần một giá trị."),
    (r"Option '(.*?)' requires (\d+) arguments\.?", r"tùy chọn '\1' cần \2 giá trị."),
    (r"Option '(.*?)' does not take a value\.?", r"tùy chọn '\1' không nhận giá trị."),
    (r"Missing argument", "thiếu tham số"),
    (r"Missing option", "thiếu tùy chọn"),
    (r"Missing parameter", "thiếu tham số"),
    (r"Invalid value for (.*?): ", r"giá trị không hợp lệ cho \1: "),
    (r"Invalid value: ", "giá trị không hợp lệ: "),
    (r"(\S+) is not a valid (integer|int|float|boolean|UUID)( range)?\.", r"\1 không phải số hợp lệ."),
    (r"(\S+) is not one of (.*)\.", r"\1 không thuộc \2."),
    (r"(\S+) is not in the range (.*)\.", r"\1 nằm ngoài khoảng \2."),
    (r"Choose from:", "chọn một trong:"),
    (r"(?:File|Path|Directory) (.*?) does not exist\.", r"không có tệp hoặc thư mục \1."),
    (r"(?:File|Path|Directory) (.*?) is a directory\.", r"\1 là thư mục, cần một tệp."),
    (r"(?:File|Path|Directory) (.*?) is a file\.", r"\1 là tệp, cần một thư mục."),
    (r"(?:File|Path|Directory) (.*?) is not readable\.", r"không đọc được \1."),
    (r"(?:File|Path|Directory) (.*?) is not writable\.", r"không ghi được vào \1."),
    (r"Takes (\d+) values but (\d+) given\.", r"cần \1 giá trị nhưng có \2."),
    (r"Aborted!?", "đã hủy."),
]
_USAGE_RE = [(re.compile(pattern), replacement) for pattern, replacement in _USAGE_ERRORS]


def usage_error(message: str) -> str:
    for pattern, replacement in _USAGE_RE:
        message = pattern.sub(replacement, message)
    return message


def click_exception_types() -> tuple[Any, Any]:  # click's classes, found at run time: typed loosely
    """(ClickException, UsageError) without importing typer's private vendored click:
    typer.BadParameter is public and derives from both."""
    mro = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    return mro["ClickException"], mro["UsageError"]


_COMPLETION_WORDS = [
    (re.compile(r"(\w+) completion installed in (.*)"), r"Đã cài gợi ý lệnh (phím Tab) cho \1 vào \2."),
    (re.compile(r"Completion will take effect once you restart the terminal"), "Mở lại terminal để bắt đầu dùng."),
    (re.compile(r"Shell (\S+) (?:is )?not supported\."), r"Chưa hỗ trợ shell \1; dùng bash, zsh hoặc fish."),
]


def vietnamese_completion_messages(command) -> None:
    """Typer's --install-completion prints English through its own echo: say it in Vietnamese."""
    import contextlib
    import io
    import sys

    for param in command.params:
        if param.name != "install_completion" or getattr(param.callback, "vietnamese", False):
            continue
        original = param.callback

        def callback(ctx, param, value, original=original):
            captured = io.StringIO()
            try:
                with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
                    return original(ctx, param, value)
            finally:
                text = captured.getvalue()
                for pattern, replacement in _COMPLETION_WORDS:
                    text = pattern.sub(replacement, text)
                if text:
                    sys.stdout.write(text)
                    sys.stdout.flush()

        callback.vietnamese = True  # type: ignore[attr-defined]  # a mark read back by getattr above
        param.callback = callback
