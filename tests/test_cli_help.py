"""Help texts: every command documented in Vietnamese; what cog generates from them (the
README's command table and help blocks, the pre-rendered root help) current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from doithoai._root_help import ROOT_HELP
from doithoai.cli import COMMANDS, app, load_command

README = Path(__file__).parents[1] / "README.md"


def walk(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


REGENERATE = "run: .venv/bin/cog -r README.md doithoai/_root_help.py"
GENERATED = [README, Path(__file__).parents[1] / "doithoai" / "_root_help.py"]


def test_generated_help_is_current(capsys):
    from cogapp import Cog

    status = Cog().main(["cog", "--check", "--diff", *map(str, GENERATED)])
    assert status == 0, REGENERATE + "\n" + capsys.readouterr().out


def test_cached_root_help_is_what_the_cli_renders():
    rendered = CliRunner().invoke(app, ["--help"], prog_name="doithoai").stdout
    assert rendered == ROOT_HELP, REGENERATE
    out = subprocess.run([sys.executable, "-m", "doithoai", "--help"], capture_output=True, text=True).stdout
    assert out == ROOT_HELP


def test_short_helps_match_the_groups():
    for name, (_module, _attr, _kind, short) in COMMANDS.items():
        command = load_command(name)
        assert command.get_short_help_str(limit=300) == short, name


def test_every_command_has_a_vietnamese_docstring():
    for name in COMMANDS:
        for path, command in walk(load_command(name), (name,)):
            text = (command.help or "").strip()
            assert text, path
            assert re.search(r"[àáảãạăâđêôơưèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", text.lower()), (path, text)


def test_readme_shows_the_real_help():
    readme = README.read_text(encoding="utf-8")
    assert ROOT_HELP.strip() in readme
    for name in ("petition", "report"):
        rendered = CliRunner().invoke(app, [name, "--help"], prog_name="doithoai").stdout
        assert rendered.strip() in readme, name


def test_readme_test_command_is_what_ci_runs():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv"))
    assert command in README.read_text(encoding="utf-8")


def test_every_command_appears_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for name in COMMANDS:
        for path, _ in walk(load_command(name), (name,)):
            assert f"doithoai {' '.join(path)}" in readme, path


def test_the_command_tree_is_built_once_per_test_process(cli, monkeypatch):
    """conftest builds the root once and each group on first use: a test that invokes the CLI
    pays for parsing, not for Typer turning functions into click commands again."""
    import doithoai.cli

    roots = []
    original = doithoai.cli.LazyRoot.get_command

    def seen(self, ctx, name):
        roots.append(self)
        return original(self, ctx, name)

    monkeypatch.setattr(doithoai.cli.LazyRoot, "get_command", seen)
    cli("petition", "--help")
    built = doithoai.cli.load_command.cache_info().misses
    cli("petition", "--help")
    cli("petition", "list", "--help")
    assert doithoai.cli.load_command.cache_info().misses == built  # each group built once
    assert len(roots) >= 3 and all(r is roots[0] for r in roots)  # one root group for every invocation
