"""Rewrite doithoai/_root_help.py from the live CLI: `python -m doithoai.cli.refresh_help`."""

from pathlib import Path

from typer.testing import CliRunner

from doithoai.cli import app

text = CliRunner().invoke(app, ["--help"], prog_name="doithoai").stdout
target = Path(__file__).parents[1] / "_root_help.py"
target.write_text('"""`doithoai --help`, pre-rendered (tests/test_cli_help.py keeps it current)."""\n\n'
                  f"ROOT_HELP = {text!r}\n", encoding="utf-8")
print(f"wrote {target}")
