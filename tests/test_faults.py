"""Faults: killed imports, concurrent writers, a full disk, a read-only file. Real processes."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import dump

ROWS = 30_000


def run(*args, db: Path, **kw):
    return subprocess.run([sys.executable, "-m", "doithoai", "--db", str(db), *map(str, args)],
                          capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "30000.csv"
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as f:
        f.write("Số phiếu,Họ và tên,Thôn, bản,Số điện thoại,Nội dung,Lĩnh vực\n".replace("Thôn, bản", '"Thôn, bản"'))
        for i in range(ROWS):
            f.write(f"P{i:06d},Người {i},Bản {rng.randint(1, 40)},09{rng.randint(10_000_000, 99_999_999)},"
                    f"Kiến nghị số {i} về đường giao thông nông thôn,{rng.choice(['Đất đai', 'Y tế', 'Giáo dục'])}\n")
    return path


@pytest.fixture
def base(cli, session, db_path):
    return db_path


def count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM petitions").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_import_killed_at_random_moments_leaves_none_or_all(base, big_csv, tmp_path):
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(base, pristine)
    rng = random.Random(2024)
    outcomes = []
    for trial in range(10):
        db = tmp_path / f"trial-{trial}.db"
        shutil.copyfile(pristine, db)
        proc = subprocess.Popen([sys.executable, "-m", "doithoai", "--db", str(db), "-q", "petition", "import",
                                 str(big_csv), "--session", "2023-khoen-on"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        check = run("db", "check", db=db)
        assert check.returncode == 0, check.stderr
        n = count(db)
        assert n in (0, ROWS), n
        outcomes.append(n)
    assert 0 in outcomes  # at least one kill landed inside the transaction


def test_two_writers_and_a_reader_lose_nothing(base, tmp_path):
    writer = (
        "import sys, datetime as dt\n"
        "from doithoai.base import open_base\nfrom doithoai.db import transaction\n"
        "from doithoai import petitions\n"
        "db = open_base(sys.argv[1])\n"
        "for i in range(int(sys.argv[3])):\n"
        "    with transaction(db):\n"
        "        petitions.add(db, dt.date(2023, 9, 5), session='2023-khoen-on', name=f'{sys.argv[2]} {i}',\n"
        "                      content=f'Nội dung {sys.argv[2]} {i}')\n"
    )
    reader = (
        "import sys, datetime as dt\n"
        "from doithoai.base import open_base\n"
        "from doithoai import petition_listing, reports\n"
        "db = open_base(sys.argv[1])\n"
        "for i in range(int(sys.argv[2])):\n"
        "    petition_listing.list_rows(db, as_of=dt.date(2023, 10, 20))\n"
        "    reports.overdue(db, dt.date(2023, 10, 20))\n"
    )
    ops = 150
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(base), name, str(ops)], stderr=subprocess.PIPE, text=True)
             for name in ("A", "B")]
    procs.append(subprocess.Popen([sys.executable, "-c", reader, str(base), str(ops)], stderr=subprocess.PIPE, text=True))
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert err == ""
    assert count(base) == 2 * ops
    assert run("db", "check", db=base).returncode == 0


@pytest.mark.slow  # a real process importing 30 000 rows until its file-size limit: ~20 s
def test_full_disk_is_reported_and_nothing_is_damaged(base, big_csv):
    before = dump(base)
    wal = Path(str(base) + "-wal")
    size = os.path.getsize(base) + (wal.stat().st_size if wal.exists() else 0)

    def limit():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 200_000, size + 200_000))

    result = subprocess.run([sys.executable, "-m", "doithoai", "--db", str(base), "petition", "import", str(big_csv),
                             "--session", "2023-khoen-on"], capture_output=True, text=True, preexec_fn=limit)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Lỗi: ") and "Traceback" not in result.stderr
    assert "đĩa" in result.stderr and "đã được hủy" in result.stderr
    assert dump(base) == before
    assert run("db", "check", db=base).returncode == 0


def test_read_only_file_is_reported_clearly(base, tmp_path):
    before = dump(base)
    conn = sqlite3.connect(base)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    os.chmod(base, 0o444)
    os.chmod(base.parent, 0o555)
    demote = None
    if os.geteuid() == 0:  # root ignores permissions: run the command as nobody
        def demote():
            os.setgid(65534)
            os.setuid(65534)
    try:
        try:
            result = subprocess.run([sys.executable, "-m", "doithoai", "--db", str(base), "agency", "add", "NEW", "Cơ quan mới"],
                                    capture_output=True, text=True, preexec_fn=demote, env={**os.environ, "HOME": "/tmp"})
        except PermissionError:
            pytest.skip("running as root, and this Python cannot be run as an unprivileged user to test permissions")
    finally:
        os.chmod(base.parent, 0o755)
        os.chmod(base, 0o600)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Lỗi: ") and "Traceback" not in result.stderr
    assert ("chỉ cho phép đọc" in result.stderr) or ("Không mở được" in result.stderr)
    assert dump(base) == before
