"""The README's recipes run as written: every command of the walk-through, then the cron
section, in order, on a fresh base, with the sample files shipped in examples/.

The commands run in one bash, so `export` and `cd` carry on as they would in a terminal; `~`
is a temporary home. Cron lines run their command part with the install paths of the example
(/opt/doithoai, /srv) mapped into the temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
BIN = Path(sys.executable).parent


def block(heading: str, lang: str) -> str:
    part = README.read_text(encoding="utf-8").split(heading, 1)[1]
    return part.split(f"```{lang}\n", 1)[1].split("```", 1)[0]


def commands(source: str) -> list[str]:
    """Logical command lines: comments and blank lines dropped, `\\` continuations joined."""
    found, current = [], ""
    for line in source.splitlines():
        if current:
            current += "\n" + line
        elif line.strip() and not line.lstrip().startswith("#"):
            current = line
        else:
            continue
        if not line.rstrip().endswith("\\"):
            found.append(current)
            current = ""
    return found


def walkthrough() -> list[str]:
    return commands(block("## Một ngày làm việc của chuyên viên", "sh"))


def _installed(command: str, home: Path) -> str:
    """The example's install paths in the temporary home: the base the walk-through built."""
    command = command.replace("/opt/doithoai/.venv/bin/doithoai", str(BIN / "doithoai"))
    return command.replace("/srv/hoso/", f"{home}/hoso/").replace("/srv/", f"{home}/srv/")


def cron(home: Path) -> list[tuple[str, set[int]]]:
    cron_section = README.read_text(encoding="utf-8").split("## Cron", 1)[1].split("\n## ", 1)[0]
    setup = cron_section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [(_installed(command, home), {0}) for command in commands(setup)]
    for entry in commands(block("## Cron", "cron")):
        command = _installed(entry.split(None, 5)[5].replace("\\%", "%"), home)
        lines.append((command, {0, 3} if "--fail-on-overdue" in command else {0}))
    return lines


def mail_server():
    """A local SMTP server (aiosmtpd) that accepts every message, standing in for the office's."""
    import socket

    controller_module = pytest.importorskip("aiosmtpd.controller")

    class Accept:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = controller_module.Controller(Accept(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def mail_setup(port: int) -> list[str]:
    """What an office sets once before mailing reminders (README, Gửi thư đôn đốc), pointed at the
    local server: the SMTP settings and an address for every agency."""
    settings = {"mail.host": "127.0.0.1", "mail.port": str(port), "mail.security": "none",
                "mail.sender": "vanphong@example.vn", "mail.office": "vanphong@example.vn", "mail.pdf": "no"}
    codes = ("doithoai agency list -f json --columns code | "
             "python3 -c 'import json, sys; print(\" \".join(r[\"code\"] for r in json.load(sys.stdin)))'")
    return [*(f"doithoai -q config set {key} {value}" for key, value in settings.items()),
            f"for c in $({codes}); do doithoai -q agency edit $c --email $c@example.vn; done"]


def run_script(steps: list[tuple[str, set[int]]], home: Path, cwd: Path) -> list[tuple[str, int, str]]:
    """Run the steps in one bash; returns (command, exit code, output) of each."""
    script = []
    for i, (command, _codes) in enumerate(steps):
        script.append(f"{{ {command}\n}} > {home}/.out{i} 2>&1; echo \"@@ {i} $?\"")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOITHOAI", "XDG_DATA"))}
    env.update(HOME=str(home), PATH=f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}", COLUMNS="100")
    result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600)
    codes = dict(re.findall(r"^@@ (\d+) (\d+)$", result.stdout, re.M))
    outcome = []
    for i, (command, _codes) in enumerate(steps):
        output = (home / f".out{i}").read_text(encoding="utf-8") if (home / f".out{i}").exists() else ""
        outcome.append((command, int(codes.get(str(i), -1)), output))
    return outcome


@pytest.mark.slow  # the README as a shell script: ~80 real processes, a mail server, cron runs (~30 s)
def test_readme_walkthrough_and_cron_run_as_written(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "examples"
    shutil.copytree(EXAMPLES, work)
    steps = [(command, {0}) for command in walkthrough()]
    assert len(steps) > 40
    server = mail_server()  # the office's mail server, as `remind --send` in the cron section needs one
    steps += [(command, {0}) for command in mail_setup(server.port)]
    steps += cron(home)
    failures = []
    for (command, code, output), (_c, expected) in zip(run_script(steps, home, work), steps):
        if code not in expected or "Traceback" in output:
            failures.append(f"$ {command}\n→ {code}\n{output}")
        elif " -q " in command and output:  # cron mails whatever a job prints
            failures.append(f"$ {command}\nprinted under -q:\n{output}")
    server.stop()
    assert not failures, "\n\n".join(failures)


def test_the_demo_suggestions_run_as_printed(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOITHOAI")}
    env.update(HOME=str(tmp_path), PATH="/usr/bin:/bin")  # the venv is not on PATH
    demo = subprocess.run([str(BIN / "doithoai"), "demo", str(tmp_path / "mau")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert demo.returncode == 0, demo.stderr
    suggested = demo.stderr.split("Thử tiếp (chép và chạy từng dòng):\n", 1)[1].rstrip().splitlines()
    assert len(suggested) >= 3
    assert all(line.startswith("  ") for line in suggested)
    assert str(BIN / "doithoai") in suggested[1]
    result = subprocess.run(["bash", "-ec", "\n".join(suggested)], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    overdue_days = demo.stdout.split("Kiến nghị quá hạn chưa trả lời:")[1]
    assert "quá hạn 11 ngày làm việc" in result.stdout and "11" in overdue_days  # the demo's date, not today's
