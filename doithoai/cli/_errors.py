"""The one place where errors become messages and exit codes.

Exit codes: 0 success; 1 refused operation or bad data; 2 bad usage;
3 `--fail-on-overdue` found something overdue; 130 interrupted.
"""

from __future__ import annotations

import os
import sqlite3
import sys

import typer
from typer.core import TyperGroup

try:  # Typer ≥ 0.26 vendors click; its exceptions are what its commands raise
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions

from doithoai.errors import DoithoaiError

EXIT_OVERDUE = 3
_WRITE_ERRNOS = {28, 5, 27, 122}  # ENOSPC, EIO, EFBIG, EDQUOT

# click's usage messages, in Vietnamese (the option or value they name stays as it is)
_USAGE = [
    ("No such option:", "không có tùy chọn"),
    ("No such command", "không có lệnh"),
    ("Missing option", "thiếu tùy chọn"),
    ("Missing argument", "thiếu tham số"),
    ("Missing parameter", "thiếu tham số"),
    ("Got unexpected extra argument", "thừa tham số"),
    ("Invalid value for", "giá trị không hợp lệ cho"),
    ("requires an argument", "cần một giá trị"),
    ("is not a valid integer", "không phải số nguyên"),
    ("is not a valid int", "không phải số nguyên"),
    ("is not one of", "không thuộc"),
]


def _vietnamese(message: str) -> str:
    for english, vietnamese in _USAGE:
        message = message.replace(english, vietnamese)
    return message


def print_error(message: str, hint: str | None = None) -> None:
    from doithoai.cli._output import err

    err(f"Lỗi: {message[:1].upper()}{message[1:]}")
    if hint:
        err(f"Gợi ý: {hint}")


class RootGroup(TyperGroup):
    """Runs every command in non-standalone mode and translates what comes out."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()  # a full disk under `> file` shows here, not silently at exit
        except DoithoaiError as e:
            print_error(e.message, e.hint)
            sys.exit(e.exit_code)
        except sqlite3.Error as e:
            from doithoai.cli._options import db_path
            from doithoai.db import _sqlite_error

            translated = _sqlite_error(db_path(), e)
            print_error(translated.message, translated.hint)
            sys.exit(1)
        except click_exceptions.ClickException as e:
            if isinstance(e, click_exceptions.UsageError) and e.ctx is not None:
                hint = f"Xem `{e.ctx.command_path} --help`."
            else:
                hint = None
            print_error(f"sai cú pháp lệnh — {_vietnamese(e.format_message())}", hint)
            sys.exit(e.exit_code)
        except (typer.Abort, KeyboardInterrupt, EOFError):
            print_error("Đã hủy; không có thay đổi nào được ghi.")
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as e:  # never a traceback for a user; DOITHOAI_DEBUG=1 shows it
            if os.environ.get("DOITHOAI_DEBUG"):
                raise
            if isinstance(e, OSError) and e.errno in _WRITE_ERRNOS:
                print_error(f"không ghi được kết quả ra đầu ra chuẩn ({e.strerror}); kết quả bị cắt, không dùng được.",
                            "Giải phóng dung lượng ổ đĩa (hoặc ghi vào nơi khác) rồi chạy lại.")
                sys.exit(1)
            print_error(
                f"lỗi không mong đợi ({type(e).__name__}: {e}). Không có thay đổi nào được ghi dở.",
                "Chạy lại với DOITHOAI_DEBUG=1 để xem chi tiết và gửi cho người phát triển.",
            )
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

