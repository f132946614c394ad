"""doithoai's command line: the root only lists the groups and loads the one that runs.

Each group is a module exporting its own `typer.Typer`; it is imported, and its click
command built, only when invoked, so every command starts without paying for the others.
Only typer, the standard library and cheap project modules are imported at start-up;
sqlite_utils, rich, holidays, openpyxl and docx load inside the commands that need them.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from doithoai.cli import _options
from doithoai.cli._errors import RootGroup, UsageError
from doithoai.cli._help import localise

# name: (module, attribute, group or command, short help as `doithoai --help` lists it)
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "init": ("config", "init", "command", "Khởi tạo (hoặc cập nhật) cơ sở dữ liệu cho một đơn vị."),
    "config": ("config", "app", "group", "Xem và sửa thiết lập của đơn vị và quy tắc thời hạn."),
    "agency": ("agencies", "app", "group", "Cơ quan, đơn vị được giao trả lời kiến nghị."),
    "field": ("fields", "app", "group", "Lĩnh vực của kiến nghị (đất đai, chính sách xã hội…)."),
    "session": ("sessions", "app", "group", "Cuộc tiếp xúc, đối thoại: tạo, xem, sửa và các bước thực hiện."),
    "petition": ("petitions", "app", "group", "Kiến nghị, phản ánh của công dân: tiếp nhận, giao, trả lời, chuyển, đóng."),
    "petitioner": ("petitioners", "app", "group", "Người kiến nghị: sửa họ tên, địa chỉ, số điện thoại; gộp bản ghi trùng."),
    "import": ("imports", "app", "group", "Các lô nhập kiến nghị: xem danh sách, hủy một lô nhập nhầm."),
    "calendar": ("calendar", "app", "group", "Lịch ngày làm việc: ngày lễ, nghỉ bù, làm bù và cách tính thời hạn."),
    "report": ("reports", "app", "group", "Báo cáo theo dõi: quá hạn, sắp đến hạn, theo cơ quan, tổng hợp."),
    "remind": ("remind", "remind", "command", "Đôn đốc các cơ quan có kiến nghị quá hạn: mỗi cơ quan một văn bản và một bản tóm tắt gửi thư."),
    "mail": ("mail", "app", "group", "Thư điện tử: gửi thư thử, xem các thư đã gửi và chưa gửi được."),
    "doc": ("documents", "app", "group", "Văn bản: kế hoạch, giấy mời, phiếu đăng ký, biên bản, thông báo kết luận, báo cáo, đôn đốc, chuyển kiến nghị; sổ văn bản."),
    "dossier": ("dossier", "app", "group", "Hồ sơ cuộc đối thoại: văn bản, dữ liệu, nhật ký, mã băm."),
    "log": ("log", "log", "command", "Nhật ký thay đổi (ai, khi nào, làm gì, trước/sau)."),
    "db": ("db", "app", "group", "Tệp cơ sở dữ liệu: vị trí, sao lưu, kiểm tra, khôi phục."),
    "demo": ("demo", "demo", "command", "Tạo bộ dữ liệu mẫu (đối thoại xã Khoen On 2023), rồi in tổng quan và danh sách quá hạn."),
}


def load_command(name: str, only: str | None = None):
    """The click command for one top-level name, built from its module on first use. `only`:
    the subcommand about to run; a group is then built with just that command (building all
    twenty of `petition` costs ~20 ms of every run)."""
    import typer.main

    module_name, attribute, kind, _help = COMMANDS[name]
    target = getattr(importlib.import_module(f"doithoai.cli.{module_name}"), attribute)
    if kind == "group":
        command = typer.main.get_command(_just(target, only) if only else target)
    else:
        single = typer.Typer(rich_markup_mode=None, add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    localise(command)
    return command


def _just(group: typer.Typer, name: str) -> typer.Typer:
    """A copy of a group holding only its command `name`; the group itself when it has no such
    command (help, a typo: those need every command) or has groups of its own."""
    import copy

    import typer.main

    if group.registered_groups:
        return group
    chosen = [c for c in group.registered_commands
              if (c.name or typer.main.get_command_name(c.callback.__name__ if c.callback else "")) == name]
    if len(chosen) != 1:
        return group
    just = copy.copy(group)
    just.registered_commands = chosen
    return just


class LazyRoot(RootGroup):
    _next: str | None = None  # the word after the command's name, while it is being resolved

    def list_commands(self, ctx):
        return list(COMMANDS)

    def resolve_command(self, ctx, args):
        self._next = args[1] if len(args) > 1 else None
        try:
            return super().resolve_command(ctx, args)
        except UsageError as e:
            # typer suggests from the commands a group holds, and this one holds none until
            # they are loaded: `doithoai petiton` is told of `petition` from the table instead
            if args and e.message.startswith("No such command") and "Did you mean" not in e.message:
                from difflib import get_close_matches

                matches = get_close_matches(args[0], list(COMMANDS))
                if matches:
                    e.message = f"{e.message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise
        finally:
            self._next = None

    def get_command(self, ctx, name):
        return load_command(name, self._next) if name in COMMANDS else None

    def format_commands(self, ctx, formatter):
        with formatter.section("Lệnh"):
            formatter.write_dl([(name, entry[3]) for name, entry in COMMANDS.items()])


app = typer.Typer(
    cls=LazyRoot,
    name="doithoai",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: no rich import at start-up
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Tệp cơ sở dữ liệu (mặc định: $DOITHOAI_DB, hoặc thư mục dữ liệu của người dùng).", metavar="TỆP")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Không in thông báo, chỉ in dữ liệu và lỗi.")] = False,
) -> None:
    """Theo dõi tiếp xúc, đối thoại trực tiếp với Nhân dân và giải quyết kiến nghị của công dân đúng hạn."""
    state = ctx.ensure_object(_options.Invocation)
    state.db, state.quiet = db, quiet


def main() -> None:
    app()
