"""Start-up stays cheap: the CLI imports no heavy library until a command needs it."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlite_utils", "rich", "holidays", "docx", "docxtpl", "openpyxl")


def test_importing_the_cli_loads_no_heavy_library():
    code = (f"import sys, doithoai.cli; heavy = [m for m in {HEAVY!r} if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_loads_no_heavy_library():
    code = ("import sys; sys.argv = ['doithoai', '--help']\n"
            "from doithoai.cli import app\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    assert "Theo dõi tiếp xúc, đối thoại" in out
