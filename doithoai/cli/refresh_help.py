"""Refresh what is generated from the live CLI: doithoai/_root_help.py and the README's
command table and help blocks. Run `python -m doithoai.cli.refresh_help` after changing a
command; tests/test_cli_help.py fails until it is run."""

import re
from pathlib import Path

from typer.testing import CliRunner

from doithoai.cli import COMMANDS, app, load_command

ROOT = Path(__file__).parents[2]


def render(*args: str) -> str:
    return CliRunner().invoke(app, [*args, "--help"], prog_name="doithoai").stdout


def walk(command, path):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def command_table() -> str:
    rows = []
    for name in COMMANDS:
        for path, command in walk(load_command(name), (name,)):
            if not getattr(command, "commands", None):
                help_text = command.get_short_help_str(limit=200).replace("|", "/")
                rows.append(f"| `doithoai {' '.join(path)}` | {help_text} |")
    return "\n".join(rows)


def main() -> None:
    root_help = render()
    (ROOT / "doithoai" / "_root_help.py").write_text(
        '"""`doithoai --help`, pre-rendered (tests/test_cli_help.py keeps it current)."""\n\n'
        f"ROOT_HELP = {root_help!r}\n", encoding="utf-8")
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    readme = re.sub(r"<!-- commands:start -->\n.*?\n<!-- commands:end -->",
                    lambda _: f"<!-- commands:start -->\n{command_table()}\n<!-- commands:end -->", readme, flags=re.S)
    for key, args in (("root", ()), ("petition", ("petition",)), ("report", ("report",))):
        text = render(*args).rstrip()
        def block(_: re.Match[str], t: str = text, k: str = key) -> str:
            return f"<!-- help:{k} -->\n```text\n{t}\n```"

        readme = re.sub(rf"<!-- help:{key} -->\n```text\n.*?\n```", block, readme, flags=re.S)
    readme_path.write_text(readme, encoding="utf-8")
    print("refreshed doithoai/_root_help.py and README.md")


if __name__ == "__main__":
    main()
