"""What a person at a terminal reads: Vietnamese help and usage errors, tables that fit,
quiet pipes and cron, completion."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from doithoai.cli import COMMANDS, app, load_command

# Click/Typer's own English, as it would leak into a help page or an error
ENGLISH = ["Usage:", "Options:", "Commands:", "Arguments:", "Show this message", "[default:", "required]",
           "[OPTIONS]", "COMMAND [ARGS]", "env var", "<str>", "<int>", "<path>", "TEXT", "INTEGER", "PATH",
           "Did you mean", "Possible options", "(s)", "Error:", "Try '", "Missing ", "No such", "Invalid value",
           " DATE", " FILE", " DIR", " SESSION", " ID "]


def walk(command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


def all_commands():
    for name in COMMANDS:
        yield from walk(load_command(name), (name,))


def test_no_english_click_string_in_any_help():
    runner = CliRunner()
    pages = [((), runner.invoke(app, ["--help"]).stdout)]
    for path, _command in all_commands():
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, path
        pages.append((path, result.stdout))
    assert len(pages) > 60
    for path, page in pages:
        assert "Cách dùng: doithoai" in page, path
        for english in ENGLISH:
            assert english not in page, (path, english, page)


def test_every_option_and_argument_has_a_help_line():
    for path, command in all_commands():
        for param in command.params:
            assert (getattr(param, "help", None) or "").strip(), (path, param.name)


def test_usage_errors_are_vietnamese():
    runner = CliRunner()
    cases = [
        (["petition", "lst"], "không có lệnh 'lst'. Có phải ý bạn là 'list'?"),
        (["petition", "list", "--stat", "x"], "không có tùy chọn --stat. Có phải ý bạn là: --status?"),
        (["petition", "show", "abc"], "'abc' không phải số hợp lệ"),
        (["petition", "list", "a"], "thừa tham số (a)"),
        (["petition", "list", "--status"], "tùy chọn '--status' cần một giá trị."),
        (["petition", "list", "-f", "pdf"], "không thuộc"),
        (["petition", "add"], "thiếu tùy chọn"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert expected in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("Lỗi: Sai cú pháp lệnh — "), result.stderr
        for english in ENGLISH:
            assert english not in result.stderr, (args, english, result.stderr)


def test_a_group_alone_shows_its_help():
    result = CliRunner().invoke(app, ["petition"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Cách dùng: doithoai petition [TÙY_CHỌN] LỆNH [THAM_SỐ]...")
    assert "Lỗi" not in result.output


def test_two_invocations_in_one_process_share_no_state(tmp_path):
    runner = CliRunner()
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert runner.invoke(app, ["--db", str(a), "init", "--unit", "UBND xã A"]).exit_code == 0
    # -q on the first invocation does not silence the second; --db of the first is forgotten
    quiet = runner.invoke(app, ["-q", "--db", str(b), "init", "--unit", "UBND xã B"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    loud = runner.invoke(app, ["init", "--unit", "UBND xã C"])
    assert loud.exit_code == 0 and loud.stderr  # not silenced by the earlier -q
    shown = runner.invoke(app, ["config", "show"])
    assert "UBND xã C" in shown.stdout  # $DOITHOAI_DB of the test, not a.db nor b.db
    assert not re.search("UBND xã [AB]", shown.stdout)
