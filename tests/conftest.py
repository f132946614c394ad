"""Every test runs the real CLI against a real SQLite file in its own temporary folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from doithoai.cli import app


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One holidays cache for the whole run, away from the user's own ~/.cache."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, cache_dir):
    monkeypatch.setenv("DOITHOAI_DB", str(tmp_path / "base.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir))
    monkeypatch.delenv("DOITHOAI_DEBUG", raising=False)
    for name in ("COLUMNS", "LINES", "PAGER"):  # tables are fitted only where a test asks for a width
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(isolated) -> Path:
    return isolated / "base.db"


class Cli:
    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args, code: int = 0):
        result = self.runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == code, (
            f"doithoai {' '.join(map(str, args))} → {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        if code:
            assert "Traceback" not in result.output
        return result

    def json(self, *args):
        return json.loads(self(*args, "-f", "json").stdout)

    def fail(self, *args, code: int = 1):
        result = self(*args, code=code)
        if code == 1:
            assert result.stderr.startswith("Lỗi: "), result.stderr
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


def dump(path: Path) -> str:
    """The whole database as SQL, to prove a refused command changed nothing."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def unit(cli):
    """An initialised district-level party unit with a few agencies."""
    cli("init", "--unit", "Huyện ủy Than Uyên", "--level", "huyen", "--parent", "Tỉnh ủy Lai Châu",
        "--place", "Than Uyên", "--symbol", "HU", "--style", "party", "--signer-title", "PHÓ BÍ THƯ",
        "--signer-name", "Lê Thị Kim Ngân")
    cli("agency", "add", "TNMT", "Phòng Tài nguyên và Môi trường", "--aliases", "TN&MT,tai nguyen")
    cli("agency", "add", "LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "--aliases", "LĐ-TB&XH")
    cli("agency", "add", "UBXA", "UBND xã Khoen On", "--email", "ubnd.khoenon@laichau.gov.vn")
    return cli


@pytest.fixture
def session(unit):
    """A session on Thursday 14/09/2023 (the week after 2/9 fell on a Saturday)."""
    unit("session", "create", "--commune", "Khoen On", "--date", "14/09/2023", "--time", "08:00",
         "--location", "Hội trường UBND xã", "--chair", "Bí thư Huyện ủy")
    return "2023-khoen-on"


def add_petition(cli, session: str, name: str = "Lò Văn Thắng", content: str = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
                 *extra) -> int:
    cli("petition", "add", "--session", session, "--name", name, "--content", content, "--as-of", "2023-09-05", *extra)
    rows = cli.json("petition", "list", "--session", session)
    return max(r["id"] for r in rows)
