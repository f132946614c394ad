"""`doithoai demo` end to end, in a subprocess, as a newcomer runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "doithoai", *args], capture_output=True, text=True, env=env)


def test_demo_builds_the_khoen_on_case_and_prints_the_overview(tmp_path):
    result = run("demo", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Tình hình tính đến ngày 20/10/2023" in out
    assert "xã Khoen On" in out and "Hạn trả lời bằng văn bản     : 05/10/2023" in out
    assert "Kiến nghị quá hạn chưa trả lời: 9" in out
    assert "Traceback" not in result.stderr
    env = {**os.environ, "DOITHOAI_DB": str(tmp_path / "demo" / "doithoai.db")}
    rows = json.loads(run("petition", "list", "-f", "json", "--overdue", "--as-of", "2023-10-20", env=env).stdout)
    assert len(rows) == 9 and all(r["days_overdue"] == 11 for r in rows)
    assert len(json.loads(run("agency", "list", "-f", "json", env=env).stdout)) == 13
    statuses = {r["status"] for r in json.loads(run("petition", "list", "-f", "json", env=env).stdout)}
    assert statuses == {"answered", "assigned", "closed", "transferred", "escalated"}


def test_demo_refuses_to_overwrite(tmp_path):
    assert run("demo", str(tmp_path)).returncode == 0
    again = run("demo", str(tmp_path))
    assert again.returncode == 1 and "không ghi đè" in again.stderr
