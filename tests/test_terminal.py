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
           " DATE", " FILE", " DIR", " SESSION", " ID ", "KEEP", "OTHER", "BATCH", " CODE", "ADDRESS"]


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
        (["petition", "list", "--stat", "x"], "không có tùy chọn --stat. Có phải ý bạn là: --sort, --status?"),
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


# --- tables that fit ------------------------------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DEMO_AS_OF = "2023-10-20"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", str(folder)])
    assert result.exit_code == 0, result.output
    return folder / "doithoai.db"


def run(demo_db, *args, columns=None, env=None):
    extra = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner().invoke(app, ["--db", str(demo_db), *args], env={**extra, **(env or {})})
    return result


def petition_lines(text: str) -> dict[int, list[str]]:
    """Table lines grouped by petition: a line whose 'Số' cell holds a number starts one."""
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    header = lines[rule - 1] if not lines[rule - 1].startswith(" ") else lines[rule - 2]
    groups: dict[int, list[str]] = {}
    current = None
    for line in lines[rule + 1:]:
        if not line.strip():
            break
        match = re.match(r"^\s*(?:[A-Z]+\s+)?(\d+)\s", line) if not line.startswith("   ") or re.match(r"^\s+\d+\s", line) else None
        if match and (current is None or int(match.group(1)) not in groups):
            current = int(match.group(1))
            groups[current] = []
        groups[current].append(line)
    assert header
    return groups


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("command", [["petition", "list"], ["report", "overdue"]])
def test_a_petition_takes_at_most_two_lines(demo_db, width, command):
    result = run(demo_db, *command, "--as-of", DEMO_AS_OF, columns=width)
    assert result.exit_code == 0, result.output
    expected = {r["id"] for r in json.loads(run(demo_db, *command, "--as-of", DEMO_AS_OF, "-f", "json").stdout)}
    text = result.stdout.split("\n\nTổng hợp theo cơ quan")[0]
    groups = petition_lines(text)
    assert set(groups) == expected
    for pid, lines in groups.items():
        assert 1 <= len(lines) <= 2, (pid, lines)
        assert all(len(line) <= width for line in lines), lines
        first = lines[0]
        assert re.search(r"\b\d\d/\d\d/\d{4}\b", first), first  # a date never split
    assert all(len(line) <= width for line in text.splitlines())
    if width == 80:
        assert "Ẩn bớt cột vì màn hình hẹp" in result.stderr


def test_long_content_wraps_to_two_lines_with_an_ellipsis(demo_db):
    text = run(demo_db, "petition", "list", "--as-of", DEMO_AS_OF, columns=80).stdout
    assert "…" in text
    full = run(demo_db, "petition", "show", "1", columns=80).stdout
    assert "năm 1995" in full  # the whole content in show


def test_limit_and_columns(demo_db):
    result = run(demo_db, "petition", "list", "-n", "3", "--columns", "id,Người kiến nghị,han", columns=120)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Số", "Người", "kiến", "nghị", "Hạn"]
    assert len(lines) == 2 + 3
    assert "còn 27 kiến nghị nữa" in result.stderr
    data = json.loads(run(demo_db, "petition", "list", "-n", "2", "--columns", "id,status", "-f", "json").stdout)
    assert data == [{"id": 1, "status": "answered"}, {"id": 2, "status": "answered"}]
    wrong = run(demo_db, "petition", "list", "--columns", "id,nope")
    assert wrong.exit_code == 1 and "Không có cột 'nope'" in wrong.stderr


def test_days_overdue_shows_only_where_a_petition_is_late(demo_db):
    """The table leaves the cell empty for a petition that is not late; json keeps the 0."""
    rows = json.loads(run(demo_db, "petition", "list", "--as-of", DEMO_AS_OF, "-f", "json").stdout)
    late = {r["id"]: r["days_overdue"] for r in rows}
    assert 0 in late.values() and any(late.values())
    table = run(demo_db, "petition", "list", "--as-of", DEMO_AS_OF, "--columns", "id,days_overdue", columns=120).stdout
    lines = table.splitlines()
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("──")) + 1:]
    cells = {int(line.split()[0]): line.split()[1:] for line in body if line.strip()}
    assert cells == {pid: [str(days)] if days else [] for pid, days in late.items()}


def test_listings_write_xlsx(demo_db, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "ds.xlsx"
    assert run(demo_db, "petition", "list", "-f", "xlsx", "-o", str(target)).exit_code == 0
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Số", "Cuộc ĐT", "Người kiến nghị"]
    statuses = {row[header.index("Trạng thái")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses <= {"Mới tiếp nhận", "Đã giao", "Đã trả lời", "Đã chuyển", "Đã trình cấp trên", "Đã đóng"}


def test_csv_for_people_has_vietnamese_labels_json_keeps_codes(demo_db):
    csv_text = run(demo_db, "petition", "list", "-f", "csv").stdout
    header, first = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert header.startswith("Số,Cuộc ĐT,Người kiến nghị")
    assert "Phiếu đăng ký" in first and "Đã trả lời" in first and "answered" not in first
    data = json.loads(run(demo_db, "petition", "list", "-f", "json").stdout)
    assert data[0]["status"] == "answered" and data[0]["source"] == "phieu-dang-ky"


def test_record_commands_refuse_csv(demo_db):
    for args in (["petition", "show", "1"], ["session", "show", "1"], ["report", "summary"]):
        result = run(demo_db, *args, "-f", "csv")
        assert result.exit_code == 2, args
        assert "'csv' không thuộc 'table', 'json'" in result.stderr


def test_filters_accept_labels_and_codes(demo_db):
    def ids(*args):
        return [r["id"] for r in json.loads(run(demo_db, "petition", "list", *args, "-f", "json").stdout)]

    assert ids("--status", "Đã giao") == ids("--status", "assigned") == ids("--status", "da giao")
    assert ids("--status", "Đã giao")
    assert ids("--source", "MTTQ") == ids("--source", "mttq")
    wrong = run(demo_db, "petition", "list", "--status", "xong")
    assert wrong.exit_code == 1 and "assigned (Đã giao)" in wrong.stderr


def test_a_label_may_be_given_by_its_first_words(demo_db):
    def codes(status):
        result = run(demo_db, "session", "list", "--status", status, "-f", "json")
        assert result.exit_code == 0, result.stderr
        return [r["code"] for r in json.loads(result.stdout)]

    # "Đã rút kinh nghiệm, thông báo kết luận" by its first words; "Đã hủy (không tổ chức)" likewise
    assert codes("Đã rút kinh nghiệm") == codes("reviewed") == ["2023-KHOENON"]
    assert run(demo_db, "session", "list", "--status", "Đã hủy").stderr.strip() == \
        "Không có cuộc đối thoại nào ở trạng thái này."
    ambiguous = run(demo_db, "session", "list", "--status", "Đã")  # the start of every label: refused
    assert ambiguous.exit_code == 1 and "cancelled (Đã hủy" in ambiguous.stderr


# --- control characters are shown, never obeyed ----------------------------------------------

def test_control_characters_are_escaped_on_output(demo_db, tmp_path):
    import sqlite3

    copy = tmp_path / "hostile.db"
    copy.write_bytes(demo_db.read_bytes())
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE petitions SET content = ? WHERE id = 1", ("Xin\x1b[31m đỏ \u202eabc\x9b nữa",))
    conn.execute("UPDATE petitioners SET name = ? WHERE id = (SELECT petitioner_id FROM petitions WHERE id = 1)",
                 ("Lò\x07 Văn\u2066 Thắng",))
    conn.commit()
    conn.close()
    outputs = [run(copy, "petition", "list", columns=200).stdout, run(copy, "petition", "show", "1").stdout,
               run(copy, "petition", "list", "-f", "csv").stdout, run(copy, "petition", "list", "-f", "json").stdout]
    for text in outputs:
        for bad in ("\x1b", "\u202e", "\x9b", "\x07", "\u2066"):
            assert bad not in text
    assert "\\x1b[31m" in outputs[0] and "\\u202e" in outputs[1]
    shown = json.loads(run(copy, "petition", "show", "1", "-f", "json").stdout)  # still valid JSON
    assert shown["content"] == "Xin\x1b[31m đỏ \u202eabc\x9b nữa"  # the data itself is kept
    assert json.loads(outputs[3])[0]["content"] == shown["content"]
    target = tmp_path / "h.xlsx"
    assert run(copy, "petition", "list", "-f", "xlsx", "-o", str(target)).exit_code == 0


# --- pipes and cron -----------------------------------------------------------------------

def doithoai(*args, db=None):
    env = {**os.environ, **({"DOITHOAI_DB": str(db)} if db else {})}
    return [sys.executable, "-m", "doithoai", *args], env


@pytest.mark.parametrize("args, code", [
    (["report", "overdue", "--fail-on-overdue", "--as-of", DEMO_AS_OF], 3),
    (["report", "overdue", "--fail-on-overdue", "--as-of", DEMO_AS_OF, "-f", "csv"], 3),
    (["petition", "list", "-f", "json"], 0),
    (["petition", "list"], 0),
])
def test_a_reader_that_leaves_early_ends_it_quietly_with_its_own_code(demo_db, args, code):
    command, env = doithoai(*args, db=demo_db)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    process.stdout.close()  # like `| head -0`: the reader is gone before the first write
    stderr = process.stderr.read().decode()
    assert process.wait() == code
    assert "Lỗi" not in stderr and "Traceback" not in stderr and "Broken pipe" not in stderr, stderr
    shell = subprocess.run(["bash", "-c", "set -o pipefail; " + " ".join(f"'{a}'" for a in command) + " | head -1"],
                           capture_output=True, text=True, env=env)
    assert shell.returncode == code and shell.stderr == "", shell.stderr


def test_quiet_prints_nothing_when_nothing_happened(demo_db, tmp_path):
    copy = tmp_path / "cron.db"
    copy.write_bytes(demo_db.read_bytes())
    runner = CliRunner()
    empty_glob = runner.invoke(app, ["-q", "--db", str(copy), "petition", "import", str(tmp_path / "inbox" / "*.csv"),
                                     "--session", "2023-KHOENON"])
    assert empty_glob.exit_code == 0 and empty_glob.output == ""
    loud = runner.invoke(app, ["--db", str(copy), "petition", "import", str(tmp_path / "inbox" / "*.csv"),
                               "--session", "2023-KHOENON"])
    assert loud.exit_code == 1 and "Không có tệp nào khớp" in loud.stderr
    sample = tmp_path / "inbox.csv"
    sample.write_text("Họ và tên,Địa chỉ,Nội dung\nLò Văn Một,Bản Mì,Đề nghị sửa cầu treo bản Mì\n", encoding="utf-8")
    first = runner.invoke(app, ["-q", "--db", str(copy), "petition", "import", str(sample), "--session", "2023-KHOENON"])
    assert first.exit_code == 0 and first.stdout == "", first.output
    again = runner.invoke(app, ["-q", "--db", str(copy), "petition", "import", str(sample), "--session", "2023-KHOENON"])
    assert again.exit_code == 0 and again.output == ""
    nothing = runner.invoke(app, ["-q", "--db", str(copy), "report", "overdue", "--as-of", "2023-09-20"])
    assert nothing.exit_code == 0 and nothing.output == ""


# --- shell completion -----------------------------------------------------------------------

def complete(demo_db, shell: str, line: str) -> str:
    _command, env = doithoai(db=demo_db)
    env = {**env, "_DOITHOAI_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=line, _TYPER_COMPLETE_FISH_ACTION="get-args")
    executable = str(Path(sys.executable).parent / "doithoai")
    result = subprocess.run([executable], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_completion_script_for_bash():
    executable = str(Path(sys.executable).parent / "doithoai")
    script = subprocess.run(["bash", "-c", f"'{executable}' --show-completion"], capture_output=True, text=True,
                            timeout=30)
    assert script.returncode == 0, script.stderr
    assert "_DOITHOAI_COMPLETE=complete_bash" in script.stdout and "complete -o default -F" in script.stdout


def test_completion_offers_codes_and_ids_from_the_base(demo_db):
    assert complete(demo_db, "bash", "doithoai session show 20").split() == ["2023-KHOENON"]
    assert complete(demo_db, "bash", "doithoai petition list --session ") .split() == ["2023-KHOENON"]
    assert complete(demo_db, "bash", "doithoai petition assign 26 LD").split() == ["LDTBXH"]
    ids = complete(demo_db, "bash", "doithoai petition show 2").split()
    assert "26" in ids and "2" in ids and all(i.startswith("2") for i in ids)
    assert "Phòng Tài nguyên và Môi trường" in complete(demo_db, "zsh", "doithoai report agency TN")
    assert complete(demo_db, "fish", "doithoai dossier export ").startswith("2023-KHOENON\t")
    assert complete(demo_db, "bash", "doithoai petition sh").split() == ["show"]


def test_completion_without_a_base_completes_nothing(tmp_path):
    missing = tmp_path / "none.db"
    assert complete(missing, "bash", "doithoai session show ").strip() == ""
    assert not missing.exists()


# --- hints that are right -------------------------------------------------------------------

def test_session_close_lists_each_blocking_petition_with_its_command(demo_db, tmp_path):
    copy = tmp_path / "close.db"
    copy.write_bytes(demo_db.read_bytes())
    result = run(copy, "session", "close", "2023-KHOENON", "--as-of", DEMO_AS_OF)
    assert result.exit_code == 1
    assert result.stderr.startswith("Lỗi: Còn 12 kiến nghị của cuộc đối thoại 2023-KHOENON")
    open_ids = [r["id"] for r in json.loads(run(copy, "petition", "list", "--session", "2023-KHOENON", "-f", "json").stdout)
                if r["status"] in ("new", "assigned")]
    assert len(open_ids) == 12
    for pid in open_ids:
        assert f"  Số {pid} (" in result.stderr
        assert f"doithoai petition answer {pid} --written" in result.stderr or \
            f"doithoai petition assign {pid} MÃ_CƠ_QUAN" in result.stderr
    assert "--status assigned" not in result.stderr  # the old hint missed petitions not yet assigned


def test_log_reads_as_sentences_in_local_time(demo_db):
    import datetime as dt

    command, env = doithoai("log", "-n", "3", "--columns", "id,Thời điểm,Việc", db=demo_db)
    result = subprocess.run(command, capture_output=True, text=True, env={**env, "TZ": "Asia/Ho_Chi_Minh",
                                                                          "COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    assert "Đóng kiến nghị số 7: trạng thái Đã trả lời → Đã đóng" in result.stdout
    last = json.loads(run(demo_db, "log", "-n", "1", "-f", "json").stdout)[0]
    local = (dt.datetime.fromisoformat(last["at"]) + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M:%S")
    assert local in result.stdout
    assert last["action"] == "petition.close" and last["text"].startswith("Đóng kiến nghị số")


def test_every_listing_has_limit_columns_and_xlsx():
    listings = [("petition", "list"), ("report", "overdue"), ("report", "due-soon"), ("report", "agency"),
                ("session", "list"), ("session", "speakers"), ("agency", "list"), ("field", "list"), ("log",),
                ("calendar", "list"), ("doc", "register"), ("config", "show"), ("import", "list"),
                ("petition", "duplicates"), ("mail", "log")]
    commands = dict(all_commands())
    for path in listings:
        options = {opt for p in commands[path].params for opt in p.opts}
        assert {"--limit", "--columns", "--output", "--format"} <= options, path
        fmt = next(p for p in commands[path].params if "--format" in p.opts)
        assert "xlsx" in [str(getattr(c, "value", c)) for c in fmt.type.choices], path


def test_no_hidden_state_and_no_private_typer_imports():
    import ast

    root = Path(__file__).parents[1] / "doithoai" / "cli"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(("typer._", "click")), (path.name, node.module)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith(("typer._", "click")) for a in node.names), path.name
            if isinstance(node, ast.Assign) and node in tree.body:  # module-level mutable state
                assert not isinstance(node.value, (ast.Dict, ast.List, ast.Set)) or all(
                    isinstance(t, ast.Name) and t.id.isupper() and t.id not in ("STATE", "QUIET") for t in node.targets), \
                    (path.name, ast.unparse(node)[:60])


def test_install_completion_for_bash_speaks_vietnamese(tmp_path):
    executable = str(Path(sys.executable).parent / "doithoai")
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(["bash", "-c", f"'{executable}' --install-completion"], capture_output=True, text=True,
                            env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Đã cài gợi ý lệnh (phím Tab) cho bash vào ")
    assert "Mở lại terminal" in result.stdout and "installed" not in result.stdout
    script = tmp_path / ".bash_completions" / "doithoai.sh"
    assert "_DOITHOAI_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()


def test_the_quick_wrap_of_a_cell_is_textwrap_s():
    """Reports wrap thousands of cells with a shortcut; it must cut where textwrap cuts."""
    import random

    from doithoai.cli._output import _textwrap, _wrap

    rng = random.Random(7)
    words = ["a", "bb", "Nguyễn", "Văn", "đất", "đai,", "x" * 12, "y" * 30, "-", "…", "", " "]
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
        width = rng.randint(1, 60)
        assert _wrap(text, width) == ([text] if len(text) <= width else _textwrap(text, width, 2)), (text, width)


def test_a_search_on_a_terminal_shows_one_screen_and_counts_the_rest(demo_db):
    """On a terminal a search reads only the rows of its first screen; the note still counts
    every other hit."""
    import pty

    hits = len(json.loads(run(demo_db, "petition", "list", "--search", "a", "-f", "json").stdout))
    leader, follower = pty.openpty()
    env = {**os.environ, "DOITHOAI_DB": str(demo_db), "LINES": "20", "COLUMNS": "120", "PAGER": "cat"}
    proc = subprocess.run([sys.executable, "-m", "doithoai", "petition", "list", "--search", "a"], env=env,
                          stdout=follower, stderr=subprocess.PIPE, timeout=60)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    shown = len(petition_lines(screen.decode("utf-8").replace("\r\n", "\n").replace("\x1b[1m", "").replace("\x1b[0m", "")))
    assert proc.returncode == 0 and 0 < shown < hits
    assert f"… còn {hits - shown} kiến nghị nữa" in proc.stderr.decode("utf-8")
