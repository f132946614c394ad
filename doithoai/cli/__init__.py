"""doithoai's command line: the root only wires the groups together.

Only typer, the standard library and cheap project modules are imported here; sqlite_utils,
rich, holidays, openpyxl and docx load inside the commands that need them.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from doithoai.cli import _options
from doithoai.cli._errors import RootGroup
from doithoai.cli._output import QUIET

app = typer.Typer(
    cls=RootGroup,
    name="doithoai",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: no rich import at start-up
    pretty_exceptions_enable=False,
    add_completion=False,
    help="Theo dõi tiếp xúc, đối thoại trực tiếp với Nhân dân và giải quyết kiến nghị của công dân đúng hạn.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    db: Annotated[Optional[str], typer.Option("--db", help="Tệp cơ sở dữ liệu (mặc định: $DOITHOAI_DB, hoặc thư mục dữ liệu của người dùng).", metavar="PATH")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Không in thông báo, chỉ in dữ liệu và lỗi.")] = False,
) -> None:
    """Theo dõi tiếp xúc, đối thoại trực tiếp với Nhân dân và giải quyết kiến nghị của công dân đúng hạn."""
    _options.STATE["db"] = db
    QUIET["on"] = quiet


def _wire() -> None:
    from doithoai.cli import (agencies, calendar, config, db, demo, documents, dossier, fields, log, petitions, remind,
                              reports, sessions)

    app.command("init")(config.init)
    app.add_typer(config.app, name="config")
    app.add_typer(db.app, name="db")
    app.add_typer(agencies.app, name="agency")
    app.add_typer(fields.app, name="field")
    app.add_typer(sessions.app, name="session")
    app.add_typer(petitions.app, name="petition")
    app.add_typer(calendar.app, name="calendar")
    app.add_typer(reports.app, name="report")
    app.add_typer(documents.app, name="doc")
    app.add_typer(dossier.app, name="dossier")
    app.command("remind")(remind.remind)
    app.command("log")(log.log)
    app.command("demo")(demo.demo)


_wire()


def main() -> None:
    app()
