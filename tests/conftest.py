"""Every test runs against a real SQLite file in its own temporary folder.

Speed without pretending: the bases tests start from (a unit with agencies, a session, the
scenarios of a test file) are built once per run through the services on a freshly migrated
base, then copied file by file for each test (`Templates`); a test in test_sessions proves the
CLI steps a user types give the same rows. The command tree is built once per process.

Two layers: domain tests call the services on such a copy (`case_db`, `unit_db`, helpers in
case.py); CLI tests (`cli`, `unit`, `session`) keep what a user sees: messages, exit codes,
table, CSV and JSON shapes, help.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

import doithoai.cli
from doithoai.cli import app

# Typer turns a group's functions into click commands on every invocation (~40 ms a group,
# ~2 ms the root), and its CliRunner rebuilds the root on every `invoke`. A click command holds
# no per-invocation state (each run gets its own context), so the command tree is built once
# per test process: each group on first use (whole: the CLI builds just the subcommand that runs,
# which only pays off once per process), the root here.
_built_command = functools.cache(doithoai.cli.load_command)


def _load_command(name, only=None):
    return _built_command(name)


_load_command.cache_info = _built_command.cache_info  # type: ignore[attr-defined]
doithoai.cli.load_command = _load_command
ROOT_COMMAND = typer.main.get_command(app)
typer.testing._get_command = lambda target: ROOT_COMMAND if target is app else typer.main.get_command(target)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One holidays cache for the whole run, away from the user's own ~/.cache."""
    return tmp_path_factory.mktemp("cache")


_UNITS = iter(range(1, 1_000_000))


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, cache_dir, request):
    if request.config.getoption("--engine") == "postgresql" and "postgres" not in request.keywords:
        # the PostgreSQL run: each test's base is a fresh unit (schema) on the session's server
        server = request.getfixturevalue("pg_suite")
        monkeypatch.setenv("DOITHOAI_DB", f"{server}?unit=t{next(_UNITS)}")
    else:
        monkeypatch.setenv("DOITHOAI_DB", str(tmp_path / "base.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_dir))
    monkeypatch.delenv("DOITHOAI_DEBUG", raising=False)
    for name in ("COLUMNS", "LINES", "PAGER"):  # tables are fitted only where a test asks for a width
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(isolated):
    """The test's base: a SQLite file (a PostgreSQL URL in the PostgreSQL run)."""
    value = os.environ["DOITHOAI_DB"]
    return value if value.startswith("postgresql://") else isolated / "base.db"


class Cli:
    def __init__(self, env: dict | None = None):
        self.runner = CliRunner(env=env)

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


def pg_dump(db) -> str:
    """A unit on a server as text: its every table, rows in key order."""
    lines = []
    for (table,) in db.execute("SELECT table_name FROM information_schema.tables "
                               "WHERE table_schema = current_schema() ORDER BY table_name").fetchall():
        lines.append(f"-- {table}")
        lines += [repr(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()]
    return "\n".join(lines)


def dump(path: Path | str) -> str:
    """The whole database as SQL, to prove a refused command changed nothing (on a server: the
    unit's every table, rows in key order)."""
    if isinstance(path, str):
        from doithoai import pg

        db = pg.connect(path)
        try:
            return pg_dump(db)
        finally:
            db.conn.close()
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


UNIT_STEPS = (
    ("init", "--unit", "Huyện ủy Than Uyên", "--level", "huyen", "--parent", "Tỉnh ủy Lai Châu",
     "--place", "Than Uyên", "--symbol", "HU", "--style", "party", "--signer-title", "PHÓ BÍ THƯ",
     "--signer-name", "Lê Thị Kim Ngân"),
    ("agency", "add", "TNMT", "Phòng Tài nguyên và Môi trường", "--aliases", "TN&MT,tai nguyen"),
    ("agency", "add", "LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "--aliases", "LĐ-TB&XH"),
    ("agency", "add", "UBXA", "UBND xã Khoen On", "--email", "ubnd.khoenon@laichau.gov.vn"),
)
SESSION_STEPS = (*UNIT_STEPS, ("session", "create", "--commune", "Khoen On", "--date", "14/09/2023", "--time", "08:00", "--location", "Hội trường UBND xã", "--chair", "Bí thư Huyện ủy"))

# The same unit and session through the services the commands call (test_sessions proves the
# CLI steps above give the same rows): the templates every test starts from skip the CLI.
UNIT_DETAILS = {"unit": "Huyện ủy Than Uyên", "level": "huyen", "parent": "Tỉnh ủy Lai Châu", "place": "Than Uyên",
                "symbol": "HU", "style": "party", "signer_title": "PHÓ BÍ THƯ", "signer_name": "Lê Thị Kim Ngân"}
UNIT_AGENCIES = (
    {"code": "TNMT", "name": "Phòng Tài nguyên và Môi trường", "aliases": "TN&MT,tai nguyen"},
    {"code": "LDTBXH", "name": "Phòng Lao động - Thương binh và Xã hội", "aliases": "LĐ-TB&XH"},
    {"code": "UBXA", "name": "UBND xã Khoen On", "email": "ubnd.khoenon@laichau.gov.vn"},
)
SESSION_DETAILS = {"commune": "Khoen On", "date": dt.date(2023, 9, 14), "time": "08:00",
                   "location": "Hội trường UBND xã", "chair": "Bí thư Huyện ủy"}


def make_unit(db) -> None:
    from doithoai import agencies, settings
    from doithoai.db import transaction

    with transaction(db):
        settings.initialise(db, **UNIT_DETAILS)
        for agency in UNIT_AGENCIES:
            agencies.add(db, **agency)


def make_session(db) -> None:
    from doithoai import sessions
    from doithoai.db import transaction

    make_unit(db)
    with transaction(db):
        sessions.create(db, **SESSION_DETAILS)


class Templates:
    """Bases built once per run, handed to each test as a fresh copy of the file and its
    anchors (the event-chain heads). `base` builds one through services (`make(db)` on a
    migrated base); `copy` through the real CLI (steps as a user types them), for scenarios
    that need what a command printed."""

    def __init__(self, folder: Path, cache_dir: Path):
        self.folder = folder
        self.env = {"XDG_CACHE_HOME": str(cache_dir), "XDG_DATA_HOME": str(folder / "xdg"),
                    "DOITHOAI_DB": None, "DOITHOAI_DEBUG": None}

    @functools.cache  # noqa: B019 -- one builder per session: the cache is the point
    def build_base(self, name: str, make) -> tuple[Path, object]:
        """The base after `make(db)` on a freshly migrated base; its path and what make returned."""
        from doithoai.base import open_base

        path = self.folder / f"{name}.db"
        db = open_base(path)
        try:
            made = make(db)
        finally:
            db.conn.close()
        return self._settle(path), made

    @functools.cache  # noqa: B019 -- one builder per session: the cache is the point
    def build(self, name: str, steps: tuple, make=None) -> tuple[Path, object]:
        """The base after `steps` (commands as typed), then `make(cli)` for scenarios that
        need what a command printed (ids); returns its path and what `make` returned."""
        path = self.folder / f"{name}.db"
        cli = Cli(env=self.env)
        if name == "demo":  # `doithoai demo FOLDER` makes FOLDER/doithoai.db
            cli("demo", self.folder / "demo")
            path = self.folder / "demo" / "doithoai.db"
        for step in steps:
            cli("--db", path, *step)
        made = make(BoundCli(cli, path)) if make else None
        cli("--db", self.folder / "closing.db", "db", "path")  # closes the connection to `path`
        return self._settle(path), made

    @staticmethod
    def _settle(path: Path) -> Path:
        conn = sqlite3.connect(path)
        try:  # everything into the main file: the copy is the file (and its anchors) alone
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        return path

    @staticmethod
    def _copy(source: Path, target: Path | str) -> None:
        if isinstance(target, str):  # a unit on the PostgreSQL server: the template copied onto it
            from doithoai import transfer

            transfer.copy(source, target, force=True)
            return
        for suffix in ("", ".anchors", ".check"):
            if Path(str(source) + suffix).exists():
                shutil.copy2(str(source) + suffix, str(target) + suffix)
        os.chmod(target, 0o600)

    def copy(self, name: str, steps: tuple, target: Path, make=None):
        """A fresh copy of the CLI-built template at `target`; returns what its `make` returned."""
        source, made = self.build(name, steps, make)
        self._copy(source, target)
        return made

    def base(self, name: str, make, target: Path):
        """A fresh copy of the service-built template at `target`; returns what `make` returned."""
        source, made = self.build_base(name, make)
        self._copy(source, target)
        return made


class BoundCli:
    """A Cli whose every command runs on one base (`--db PATH`), for building templates."""

    def __init__(self, cli: Cli, path: Path):
        self.cli, self.path = cli, path

    def __call__(self, *args, code: int = 0):
        return self.cli("--db", self.path, *args, code=code)

    def json(self, *args):
        return json.loads(self(*args, "-f", "json").stdout)

    def fail(self, *args, code: int = 1):
        return self.cli.fail("--db", self.path, *args, code=code)


@pytest.fixture(scope="session")
def templates(tmp_path_factory, cache_dir) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"), cache_dir)


@pytest.fixture
def unit(cli, templates, db_path):
    """An initialised district-level party unit with a few agencies (make_unit)."""
    templates.base("unit", make_unit, db_path)
    return cli


@pytest.fixture
def session(unit, templates, db_path):
    """A session on Thursday 14/09/2023 (the week after 2/9 fell on a Saturday)."""
    templates.base("session", make_session, db_path)
    return "2023-khoen-on"


@pytest.fixture
def demo_db(isolated, templates, monkeypatch) -> Path:
    """The demo's base (`doithoai demo`, built once per run) as isolated/demo/doithoai.db (in the
    PostgreSQL run: the test's unit on the server)."""
    if os.environ["DOITHOAI_DB"].startswith("postgresql://"):
        templates.copy("demo", (), os.environ["DOITHOAI_DB"])
        return os.environ["DOITHOAI_DB"]
    (isolated / "demo").mkdir(mode=0o700)
    path = isolated / "demo" / "doithoai.db"
    templates.copy("demo", (), path)
    monkeypatch.setenv("DOITHOAI_DB", str(path))
    return path


def opened(path: Path):
    from doithoai.base import open_base

    db = open_base(path)
    yield db
    db.conn.close()


@pytest.fixture
def demo_file(isolated, templates) -> Path:
    """The demo's base as a SQLite file, whatever the engine of the run."""
    (isolated / "demo-file").mkdir(mode=0o700)
    path = isolated / "demo-file" / "doithoai.db"
    templates.copy("demo", (), path)
    return path


@pytest.fixture
def case_db(session, db_path):
    """The session's base opened for services: domain tests call them directly."""
    yield from opened(db_path)


@pytest.fixture
def unit_db(unit, db_path):
    """The unit's base (no session yet) opened for services."""
    yield from opened(db_path)


def add_petition(cli, session: str, name: str = "Lò Văn Thắng", content: str = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
                 *extra) -> int:
    cli("petition", "add", "--session", session, "--name", name, "--content", content, "--as-of", "2023-09-05", *extra)
    rows = cli.json("petition", "list", "--session", session)
    return max(r["id"] for r in rows)


# ---------------------------------------------------------------- PostgreSQL engine
# `pytest --engine postgresql` (or DOITHOAI_TEST_ENGINE=postgresql) selects the PostgreSQL run:
# the tests marked `postgres` start one throw-away cluster for the whole session (initdb and
# pg_ctl in a temporary folder, a free port, an unprivileged user when running as root),
# stopped at the end, also on failure. Without the option, or without the server binaries,
# they skip with the reason.

def pytest_addoption(parser):
    parser.addoption("--engine", choices=("sqlite", "postgresql"),
                     default=os.environ.get("DOITHOAI_TEST_ENGINE", "sqlite"),
                     help="database engine of the run (default sqlite; postgresql starts a throw-away cluster)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--engine") == "postgresql":
        skip = pytest.mark.skip(reason="reads or writes the SQLite file itself (sqlite_only)")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)
        return
    skip = pytest.mark.skip(reason="PostgreSQL run not selected (pytest --engine postgresql, or DOITHOAI_TEST_ENGINE)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, bindir: Path):
        import tempfile

        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="doithoai-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = os.environ.get("DOITHOAI_PG_OSUSER", "nobody")
            import pwd

            entry = pwd.getpwnam(self.user)
            os.chmod(self.root, 0o755)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}"

    def run(self, *args, check=True):
        import subprocess

        cmd = [str(self.bindir / args[0]), *map(str, args[1:])]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, cwd=self.root)

    def start(self):
        self.run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self.run("pg_ctl", "-D", self.data, "-o", opts, "-l", self.root / "log", "-w", "-t", "60", "start")

    def stop(self):
        if self.data.exists():
            self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"{self.url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"


@pytest.fixture(scope="session")
def pg_cluster(request):
    if request.config.getoption("--engine") != "postgresql":
        pytest.skip("PostgreSQL run not selected (pytest --engine postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        if os.environ.get("DOITHOAI_REQUIRE_PG"):
            pytest.fail("psycopg not installed, and DOITHOAI_REQUIRE_PG is set")
        pytest.skip("psycopg not installed (pip install -e '.[postgres]')")
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("DOITHOAI_REQUIRE_PG"):
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found, and DOITHOAI_REQUIRE_PG is set")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found")
    cluster = PgCluster(bindir)
    try:
        cluster.start()
    except Exception as e:
        cluster.stop()
        log = cluster.root / "log"
        pytest.fail(f"throw-away PostgreSQL cluster did not start: {e} {getattr(e, 'stderr', '')}"
                    f"{log.read_text() if log.exists() else ''}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_suite(pg_cluster) -> str:
    """The database of the PostgreSQL run of the whole suite (one unit per test)."""
    return pg_cluster.create_database("suite")


@pytest.fixture
def pg_db(pg_cluster, request) -> str:
    """A fresh database on the session's cluster; its URL (no unit)."""
    import re as _re

    name = "t_" + _re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return pg_cluster.create_database(name)
