"""A record that shows tampering: six direct edits with the sqlite3 shell, each caught by
`db check` (default, incremental) and `db check --full`; anchors outside the base; damaged
and zero-byte files refused; the online backup does not block a writer."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import UNIT_STEPS, add_petition

# The PostgreSQL run skips these (tampers with, damages or times the SQLite file itself); tests/test_postgres.py covers the server.
pytestmark = pytest.mark.sqlite_only

SQLITE3 = shutil.which("sqlite3")


def shell(db: Path, sql: str) -> None:
    """An edit made outside doithoai: the sqlite3 shell when installed, else Python's sqlite3."""
    if SQLITE3:
        subprocess.run([SQLITE3, str(db)], input=sql, text=True, check=True, capture_output=True)
    else:
        conn = sqlite3.connect(db)
        conn.executescript(sql)
        conn.close()


@pytest.fixture
def base(templates, unit, db_path):
    """The unit, a 2025 session and three petitions (one assigned, one answered), checked
    once by `db check`: built once per run, copied for each test."""
    return templates.copy("integrity-2025", UNIT_STEPS, db_path, make=_checked_2025)


def _checked_2025(cli):
    cli("session", "create", "--commune", "Khoen On", "--date", "09/04/2025")  # answers due Tue 29/04/2025
    ids = [add_petition(cli, "2025-khoen-on", f"Người {i}", f"Nội dung {i}") for i in range(3)]
    cli("petition", "assign", ids[0], "TNMT")
    cli("petition", "assign", ids[1], "TNMT")
    cli("petition", "answer", ids[1], "--written", "--summary", "Đã trả lời", "--doc-number", "12/CV",
        "--doc-date", "2025-04-20", "--as-of", "2025-04-20")
    cli("db", "check")  # the last verified anchor: the default check starts here
    return ids


def both_checks_fail(cli) -> tuple[str, str]:
    quick = cli.fail("db", "check").stderr
    full = cli.fail("db", "check", "--full").stderr
    return quick, full


def test_intact_base_passes_and_prints_its_anchor(cli, base, db_path):
    out = cli("db", "check")
    anchor = out.stdout.strip()
    number, chain = anchor.split(":")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT chain FROM events WHERE id = ?", [int(number)]).fetchone()[0] == chain
    conn.close()
    cli("db", "check", "--full", "--anchor", anchor)


def test_tamper_content_changed(cli, base, db_path):
    shell(db_path, f"UPDATE petitions SET content = 'Nội dung đã bị đổi' WHERE id = {base[0]};")
    for err in both_checks_fail(cli):
        assert "Bảng petitions (kiến nghị): dòng bị" in err and str(base[0]) in err


def test_tamper_overdue_petition_set_to_closed(cli, base, db_path):
    assert base[0] in [r["id"] for r in cli.json("report", "overdue", "--as-of", "2025-05-06")]
    shell(db_path, f"UPDATE petitions SET status = 'closed' WHERE id = {base[0]};")
    quick, full = both_checks_fail(cli)
    assert f"dòng bị thêm/sửa/xóa ngoài doithoai: {base[0]}" in quick
    assert f"dòng bị sửa ngoài doithoai: {base[0]}" in full


def test_tamper_forged_petition(cli, base, db_path):
    shell(db_path, "INSERT INTO petitions (session_id, petitioner_id, stable_key, content, content_fold, created_at) "
                   "VALUES (1, 1, 'gia-mao', 'Kiến nghị giả', 'kien nghi gia', '2025-04-10');")
    forged = sqlite3.connect(db_path).execute("SELECT id FROM petitions WHERE stable_key = 'gia-mao'").fetchone()[0]
    quick, full = both_checks_fail(cli)
    assert str(forged) in quick
    assert f"Bảng petitions (kiến nghị): dòng bị thêm ngoài doithoai: {forged}" in full


def test_tamper_deleted_answer(cli, base, db_path):
    answer = sqlite3.connect(db_path).execute("SELECT id FROM actions WHERE kind = 'answer_written'").fetchone()[0]
    shell(db_path, f"DELETE FROM actions WHERE id = {answer};")
    quick, full = both_checks_fail(cli)
    assert "Bảng actions" in quick and str(answer) in quick
    assert f"dòng bị xóa ngoài doithoai: {answer}" in full


def test_tamper_deleted_last_events(cli, base, db_path):
    cli("agency", "add", "SAU", "Cơ quan thêm sau")  # events after the last check, anchored on write
    shell(db_path, "DROP TRIGGER events_no_delete;"
                   "DELETE FROM events WHERE id > (SELECT max(id) - 2 FROM events);"
                   "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
                   "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
    for err in both_checks_fail(cli):
        assert "không còn trong nhật ký" in err and "các sự kiện cuối đã bị xóa" in err


def _chain(previous: str, fields) -> str:
    text = "\x1f".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()


def test_tamper_rewritten_event_with_hash_recomputed(cli, base, db_path):
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT id, at, user, action, entity, entity_id, before, after FROM events ORDER BY id").fetchall()
    conn.close()
    target = next(r[0] for r in rows if r[3] == "petition.assign")
    previous, updates = "", []
    for r in rows:
        fields = list(r[1:])
        if r[0] == target:
            fields[1] = "nguoi-khac"  # who did it, rewritten
        previous = _chain(previous, fields)
        updates.append(f"UPDATE events SET user = '{fields[1]}', chain = '{previous}' WHERE id = {r[0]};")
    shell(db_path, "DROP TRIGGER events_no_update;" + "".join(updates) +
          "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
          "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
    for err in both_checks_fail(cli):
        assert "nhật ký đã bị viết lại" in err


def test_issued_documents_carry_the_anchor_and_check_verifies_it(cli, base, db_path, isolated):
    """The register and the issued .docx carry the chain head at issue: with the anchors file
    gone too, a chain rewritten before that point is still caught."""
    import docx

    cli("doc", "plan", "2025-khoen-on", "-o", isolated / "kh.docx", "--date", "2025-03-20")
    entry = cli.json("doc", "register")[-1]
    number, _, chain = entry["anchor"].partition(":")
    assert number.isdigit() and len(chain) == 64
    assert docx.Document(isolated / "kh.docx").core_properties.identifier == f"doithoai:{entry['anchor']}"
    cli("db", "check")
    Path(str(db_path) + ".anchors").unlink()  # the attacker removes the anchors file as well
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT id, at, user, action, entity, entity_id, before, after FROM events ORDER BY id").fetchall()
    conn.close()
    previous, updates = "", []
    for r in rows:
        fields = list(r[1:])
        if r[3] == "petition.assign":
            fields[1] = "nguoi-khac"
        previous = _chain(previous, fields)
        updates.append(f"UPDATE events SET user = '{fields[1]}', chain = '{previous}' WHERE id = {r[0]};")
    shell(db_path, "DROP TRIGGER events_no_update;" + "".join(updates) +
          "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
          "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;")
    err = cli.fail("db", "check", "--full").stderr
    assert "nhật ký đã bị viết lại" in err and "văn bản" in err


def test_tamper_with_triggers_dropped_is_still_caught_by_full_check(cli, base, db_path):
    # A careful attacker drops the watch triggers and clears the trail: the default check sees the
    # missing triggers; the full replay sees the row itself.
    shell(db_path, "DROP TRIGGER petitions_touched_update;"
                   f"UPDATE petitions SET conclusion = 'sửa lén' WHERE id = {base[2]};"
                   "DELETE FROM row_touched;")
    quick, full = both_checks_fail(cli)
    assert "Thiếu trigger ghi dấu thay đổi" in quick
    assert f"dòng bị sửa ngoài doithoai: {base[2]}" in full


def test_writes_through_the_tool_keep_the_check_green(cli, base, db_path):
    cli("petition", "assign", base[2], "LDTBXH")
    cli("petition", "close", base[1])
    cli("db", "check")
    cli("db", "check", "--full")


def test_backup_manifest_carries_the_anchor(cli, base, isolated):
    backup = isolated / "sao-luu.db"
    cli("db", "backup", backup)
    manifest = json.loads((isolated / "sao-luu.db.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()
    cli("db", "check", "--anchor", manifest["anchor"])
    wrong = manifest["anchor"][:-4] + ("0000" if not manifest["anchor"].endswith("0000") else "1111")
    assert "có mã băm khác" in cli.fail("db", "check", "--anchor", wrong).stderr


def test_incremental_check_is_bounded_by_what_changed(cli, base, db_path):
    from doithoai.base import open_base
    from doithoai.maintenance import check

    db = open_base(db_path)
    result = check(db)
    assert result["problems"] == [] and result["from_event"] > 0  # started from the last verified anchor
    assert check(db, full=True)["from_event"] == 0


# ----------------------------------------------------------------------- damaged files

def damage(db_path: Path, name: str = "petitions_overdue") -> None:
    """Flip the bytes of one b-tree page (the overdue index), as a failing disk would."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [name]).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as f:
        f.seek((page - 1) * size)
        data = bytearray(f.read(size))
        f.seek((page - 1) * size)
        f.write(bytes(b ^ 0x5A for b in data))


def test_damaged_file_is_refused_by_cron_commands_and_restore_force_replaces_it(cli, base, db_path, isolated):
    backup = isolated / "sao-luu.db"
    cli("db", "backup", backup)
    damage(db_path)
    # the page check runs once per calendar day: the fixture's `db check` passed "yesterday"
    stamp = isolated / "base.db.check"
    stamp.write_text(json.dumps({**json.loads(stamp.read_text(encoding="utf-8")), "on": "2000-01-01"}), encoding="utf-8")
    err = cli.fail("report", "overdue", "--fail-on-overdue", "--as-of", "2025-05-06").stderr
    assert "bị hỏng" in err and "db restore" in err
    assert "bị hỏng" in cli.fail("remind", "--out", isolated / "nhac", "--as-of", "2025-05-06").stderr
    assert not (isolated / "nhac").exists()
    state = json.loads((isolated / "base.db.check").read_text(encoding="utf-8"))
    assert state["ok"] is False  # recorded: writes are refused until a restore
    assert "không ghi gì vào tệp hỏng" in cli.fail("agency", "add", "MOI", "Cơ quan mới").stderr
    assert "quick_check) báo tệp hỏng" in cli.fail("db", "check").stderr
    out = cli("db", "restore", backup, "--force").stderr
    assert "(hỏng) giữ tại" in out
    assert [p for p in isolated.iterdir() if ".damaged-" in p.name]
    rows = cli.json("report", "overdue", "--as-of", "2025-05-06")
    assert base[0] in [r["id"] for r in rows]
    cli("report", "overdue", "--fail-on-overdue", "--as-of", "2025-05-06", code=3)
    cli("agency", "add", "MOI", "Cơ quan mới")
    cli("db", "check")


def test_quick_check_runs_once_per_day(cli, base, db_path, isolated):
    cli("db", "check")  # today's check of this very file (the fixture's was of the template it was copied from)
    checked = json.loads((isolated / "base.db.check").read_text(encoding="utf-8"))
    cli("report", "overdue", "--fail-on-overdue", "--as-of", "2025-05-06", code=3)
    first = json.loads((isolated / "base.db.check").read_text(encoding="utf-8"))
    assert first["at"] == checked["at"]  # the day is the calendar's, not --as-of's: today's check is reused
    cli("report", "overdue", "--fail-on-overdue", "--as-of", "2025-05-06", code=3)
    assert json.loads((isolated / "base.db.check").read_text(encoding="utf-8"))["at"] == first["at"]
    assert "đã đạt hôm nay" in cli("db", "check").stderr
    (isolated / "base.db.check").unlink()  # a new day
    assert "vừa đọc toàn bộ tệp (mỗi ngày một lần" in cli("db", "check").stderr
    assert "đã đạt hôm nay" in cli("db", "check").stderr


def test_a_file_put_in_place_of_the_checked_one_is_checked_again(cli, base, db_path, isolated):
    """Today's passing page check belongs to the file it read: a damaged copy moved in its
    place (a base copied from elsewhere with its .check, a file swapped by hand) is read again."""
    cli("db", "check")
    assert "đã đạt hôm nay" in cli("db", "check").stderr
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = isolated / "ban-sao.db"
    shutil.copyfile(db_path, damaged)
    damage(damaged)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(damaged, db_path)
    assert "quick_check) báo tệp hỏng" in cli.fail("db", "check").stderr


def test_zero_byte_base_is_refused_not_reinitialised(cli, isolated):
    empty = isolated / "rong.db"
    empty.write_bytes(b"")
    for args in (["report", "overdue", "--fail-on-overdue"], ["agency", "list"]):
        err = cli.fail("--db", empty, *args).stderr
        assert "rỗng (0 byte)" in err
    assert empty.stat().st_size == 0


def test_foreign_sqlite_file_is_refused(cli, isolated):
    other = isolated / "khac.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE ghi_chu (x)")
    conn.commit()
    conn.close()
    assert "không phải của doithoai" in cli.fail("--db", other, "agency", "list").stderr
    conn = sqlite3.connect(other)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["ghi_chu"]
    conn.close()


def test_backup_does_not_block_a_writer_nor_starve(cli, base, db_path, isolated, monkeypatch):
    """Backup in steps of one page while another process commits every few milliseconds: the
    writer never waits long and the backup finishes consistent. (The starvation of a stepped
    backup without a held snapshot shows at scale: see the note and benchmarks/run.py.)"""
    from doithoai import maintenance
    from doithoai.base import open_base

    for i in range(30):
        cli("agency", "add", f"B{i}", "Cơ quan " + "dài " * 200)
    pad = sqlite3.connect(db_path)  # ~2 MB more to copy: hundreds of one-page steps
    pad.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", [(f"pad.{i}", "x" * 4000) for i in range(500)])
    pad.commit()
    pad.close()
    monkeypatch.setattr(maintenance, "BACKUP_STEP_PAGES", 1)
    import sys

    script = ("import sqlite3, sys, time\n"
              "c = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)\n"
              "worst, n, end = 0, 0, time.time() + 2\n"
              "while time.time() < end:\n"
              "    t = time.perf_counter(); c.execute('BEGIN IMMEDIATE')\n"
              "    c.execute(\"INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', ?)\", [str(n)])\n"
              "    c.execute('COMMIT'); worst = max(worst, time.perf_counter() - t); n += 1; time.sleep(0.002)\n"
              "print(worst, n)\n")
    writer = subprocess.Popen([sys.executable, "-c", script, str(db_path)], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the writer is committing before the backup starts
    result = {}
    b = threading.Thread(target=lambda: result.setdefault(
        "r", maintenance.backup(open_base(db_path), isolated / "song-song.db")), daemon=True)
    b.start()
    b.join(timeout=20)
    worst, commits = writer.communicate()[0].split()
    waits = [float(worst)]
    assert int(commits) > 50
    assert "r" in result, "the backup never finished while a writer was committing"
    assert waits and max(waits) < 1.0
    copy = sqlite3.connect(isolated / "song-song.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM agencies WHERE code LIKE 'B%'").fetchone()[0] == 30
    copy.close()


# ------------------------------------------------------------------- owner-only files

def test_every_file_is_owner_only_under_umask_000(cli, base, isolated, db_path):
    import os
    import stat

    old = os.umask(0)
    try:
        db2 = isolated / "moi" / "con" / "base.db"  # folders created on the way are 0700 too
        cli("--db", db2, "init", "--unit", "Đảng ủy xã Khoen On", "--level", "xa", "--symbol", "ĐU")
        cli("db", "backup", isolated / "sao-luu.db")
        cli("report", "overdue", "--as-of", "2025-05-06", "-o", isolated / "qua-han.csv")
        cli("report", "overdue", "--as-of", "2025-05-06", "-f", "xlsx", "-o", isolated / "qua-han.xlsx")
        cli("doc", "plan", "2025-khoen-on", "-o", isolated / "ke-hoach.docx", "--date", "2025-04-01")
        cli("remind", "--out", isolated / "nhac" / "2025", "--as-of", "2025-05-06")
        cli("dossier", "export", "2025-khoen-on", "-o", isolated / "ho-so")
        cli("dossier", "export", "2025-khoen-on", "-o", isolated / "ho-so.zip")
        bad = isolated / "nhap.csv"
        bad.write_text("Họ tên,Nội dung\nLò Văn A,\nLò Văn B,Có nội dung\n", encoding="utf-8")
        cli("petition", "import", bad, "--session", "2025-khoen-on", "--skip-invalid", "--rejects", isolated / "loi.csv")
        shared = isolated / "chia-se.csv"
        shared.write_text("cũ", encoding="utf-8")
        os.chmod(shared, 0o640)  # an office's own choice survives an overwrite
        cli("report", "overdue", "--as-of", "2025-05-06", "-o", shared)
    finally:
        os.umask(old)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    checked = 0
    for p in [isolated / "moi", *isolated.rglob("*")]:
        if p in (shared, bad) or p.name.startswith("bao"):
            continue
        mode = stat.S_IMODE(p.stat().st_mode)
        if p.is_dir():
            if p.name in ("xdg",) or p == isolated:
                continue
            assert mode == 0o700, (p, oct(mode))
        else:
            assert mode == 0o600, (p, oct(mode))
        checked += 1
    assert checked > 20
    names = {p.name for p in isolated.rglob('*')}
    assert {'loi.csv', 'sao-luu.db.json', 'ho-so.zip', 'qua-han.xlsx', 'ke-hoach.docx', 'manifest.json'} <= names
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


# ------------------------------------------------------------------------- full disk

@pytest.fixture
def small_fs(tmp_path):
    """A 512 KiB file system (tmpfs), when the tests run as root; else skip with the reason."""
    import os

    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root (mount)")
    mnt = tmp_path / "nho"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("mount -t tmpfs is not permitted here (container without CAP_SYS_ADMIN)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, leave: int = 0) -> None:
    import os

    with open(mnt / "day-dia", "ab") as f:
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        try:
            f.write(b"\0" * max(free - leave, 0))
            f.flush()
        except OSError:
            pass


def run_cli(*args, db: Path, stdout=None):
    import os
    import sys

    env = dict(os.environ, DOITHOAI_DB=str(db), PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "doithoai", *map(str, args)], env=env, stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60)


def test_full_disk_stdout_and_output_files_fail_loudly(cli, base, db_path, small_fs):
    for i in range(40):
        cli("agency", "add", f"CQ{i}", f"Cơ quan số {i} " + "với tên rất dài " * 10)
    fill(small_fs, leave=4096)
    with open(small_fs / "ds.csv", "w") as target:
        r = run_cli("agency", "list", "-f", "csv", db=db_path, stdout=target)
    assert r.returncode != 0 and "đầu ra chuẩn" in r.stderr and "kết quả bị cắt" in r.stderr
    (small_fs / "ds.csv").unlink()
    fill(small_fs)
    r = run_cli("report", "overdue", "--as-of", "2025-05-06", "-o", small_fs / "qua-han.csv", db=db_path)
    assert r.returncode == 1 and "No space left" in r.stderr and "tệp không được tạo" in r.stderr
    assert not [p for p in small_fs.iterdir() if p.name != "day-dia"]  # nothing half-written


def test_full_disk_reads_work_and_writes_are_refused(cli, base, db_path, small_fs):
    import os

    cli("db", "backup", small_fs / "base.db")  # the base itself on the small file system
    os.remove(small_fs / "base.db.json")
    base_on_small = small_fs / "base.db"
    fill(small_fs)
    r = run_cli("report", "overdue", "--as-of", "2025-05-06", "-f", "json", db=base_on_small)
    assert r.returncode == 0, r.stderr
    assert base[0] in [row["id"] for row in json.loads(r.stdout)]
    r = run_cli("agency", "add", "MOI", "Cơ quan mới", db=base_on_small)
    assert r.returncode == 1 and "đã đầy" in r.stderr
    conn = sqlite3.connect(base_on_small)
    assert conn.execute("SELECT count(*) FROM agencies WHERE code = 'MOI'").fetchone()[0] == 0
    conn.close()


# ------------------------------------------------------------------- hostile spreadsheets

BOMB_LIMITS = {"merged": "vùng gộp", "inflated": "kích thước giải nén", "many_rows": "số dòng",
               "far_row": "số dòng", "wide": "số cột", "long_cell": "độ dài một ô", "many_parts": "số phần"}


@pytest.mark.parametrize("kind", sorted(BOMB_LIMITS))
def test_spreadsheet_bombs_are_refused_with_the_limit_named(cli, base, db_path, isolated, kind, monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
    import bombs

    if kind == "many_rows":  # the same code path as 250,000 rows (benchmarks/run.py), faster
        from doithoai.importing import limits

        monkeypatch.setattr(limits, "MAX_ROWS", 2_000)
        path = bombs.many_rows(isolated / "rows.xlsx", 3_000)
    elif kind == "inflated":
        path = bombs.inflated(isolated / "b.xlsx", 210)
    else:
        path = bombs.ALL[kind](isolated / f"{kind}.xlsx")
    from conftest import dump

    before = dump(db_path)
    err = cli.fail("petition", "import", path, "--session", "2025-khoen-on").stderr
    assert "từ chối đọc — vượt giới hạn" in err and BOMB_LIMITS[kind] in err, err
    if kind == "many_rows":
        assert "số dòng (2.000)" in err, err  # numbers the Vietnamese way: a comma is the decimal mark
    assert dump(db_path) == before


def test_hostile_json_lines_give_clean_per_line_errors(cli, base, db_path, isolated):
    good = '{"petitioner": "Lò Văn Tốt", "content": "Đề nghị sửa đường"}'
    lines = [
        good.encode(),
        b'{"petitioner": "A", "content": "' + b"\xff\xfe bad" + b'"}',   # invalid UTF-8
        ("[" * 5000 + "]" * 5000).encode(),                                # nesting depth
        b'{"petitioner": "B", "content": "\\ud800 nua cap"}',               # lone surrogate
        b'{"petitioner": {"ten": "C"}, "content": "x"}',                   # non-string value
        b'{"petitioner": "D", "content": ' + b"[" * 100 + b"]" * 100 + b'}',
    ]
    path = isolated / "doc-hai.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    err = cli.fail("petition", "import", path, "--session", "2025-khoen-on").stderr
    assert "Traceback" not in err and "lỗi không mong đợi" not in err
    for number, words in ((2, "không phải UTF-8"), (3, "lồng nhau quá sâu"), (4, "nửa cặp"), (5, "phải là chuỗi"),
                          (6, "phải là chuỗi")):
        assert f":{number}" in err and words in err, (number, err)
    out = cli.json("petition", "import", path, "--session", "2025-khoen-on", "--skip-invalid")
    assert out["new"] == 1
    utf16 = isolated / "utf16.jsonl"
    utf16.write_bytes('{"petitioner": "Lò Thị Mười Sáu", "content": "Đề nghị cấp nước"}\n'.encode("utf-16"))
    assert cli.json("petition", "import", utf16, "--session", "2025-khoen-on")["new"] == 1


# ------------------------------------------------------------ nothing unprintable gets in

ESC = "\x1b[2J\x1b[31mĐỏ"
BIDI = "Phòng \u202eTNMT"
C1 = "Phòng\x9bTNMT"


@pytest.mark.parametrize("bad", [ESC, BIDI, C1])
def test_control_characters_are_refused_with_the_field_named(cli, base, db_path, bad):
    from conftest import dump

    before = dump(db_path)
    cases = [
        (("agency", "add", "XX", bad), "Tên cơ quan"),
        (("agency", "edit", "TNMT", "--head", bad), "Trường head của cơ quan"),
        (("session", "create", "--commune", bad, "--date", "10/04/2025"), "Tên xã/phường"),
        (("session", "create", "--commune", "Mường So", "--date", "10/04/2025", "--location", bad), "Địa điểm"),
        (("config", "set", "unit.place", bad), "Thiết lập unit.place"),
        (("petition", "add", "--session", "2025-khoen-on", "--name", bad, "--content", "x"), "ký tự điều khiển"),
        (("petition", "transfer", base[0], "--to", bad), "Cơ quan có thẩm quyền nhận chuyển"),
        (("petition", "answer", base[0], "--written", "--summary", "Đã trả lời", "--doc-number", bad,
          "--doc-date", "2025-04-21"), "Số văn bản"),
    ]
    for args, field in cases:
        err = cli.fail(*args).stderr
        assert field in err and "ký tự điều khiển không in được" in err, (args, err)
    assert dump(db_path) == before


def test_phones_accept_only_digits_after_normalisation():
    from doithoai.errors import DoithoaiError
    from doithoai.text import normalise_phone

    assert normalise_phone("０９７７ １２３ ４５６") == "0977123456"  # full-width
    assert normalise_phone("٠٩٧٧١٢٣٤٥٦") == "0977123456"  # Arabic-Indic digits
    assert normalise_phone("＋８４ ９７７ １２３ ４５６") == "0977123456"
    for bad in ("0977²23456", "09771234５x", "0977\u202e123456"):
        with pytest.raises(DoithoaiError):
            normalise_phone(bad)


def test_dates_outside_1900_2200_are_refused(cli, base):
    for value in ("31/12/1899", "01/01/2201", "9999-01-01"):
        err = cli.fail("session", "create", "--commune", "Mường So", "--date", value).stderr
        assert "1900–2200" in err
    from doithoai.errors import DoithoaiError
    from doithoai.text import parse_date

    assert parse_date("ngày 06 tháng 9 năm 2023").isoformat() == "2023-09-06"
    assert parse_date(45000).isoformat() == "2023-03-15"  # an Excel serial
    with pytest.raises(DoithoaiError):
        parse_date("０５/02/2026")


# ------------------------------------------------------------------ public outputs

def test_public_dossier_redacts_free_text_and_scans_everything(cli, unit, isolated, db_path):
    import zipfile

    from docx import Document

    cli("session", "create", "--commune", "Khoen On", "--date", "09/04/2025")
    s = "2025-khoen-on"
    add_petition(cli, s, "Lò Văn Thắng", "Ông Lò Văn Thắng (SĐT 0977.123.456) ở số nhà 12 đường Trần Phú đề nghị "
                 "cấp sổ đỏ; CCCD 012345678901; thư gửi thang.lo@gmail.com", "--phone", "0977123456",
                 "--address", "Bản Nà Khương", "--speak")
    add_petition(cli, s, "Nguyễn Thị Hoa", "Bà Nguyen Thi Hoa cùng chị Lò Thị Mai đề nghị, liên hệ +84 912 000 111",
                 "--phone", "0912000111", "--speak")
    cli("doc", "minutes", s, "-o", isolated / "bien-ban.docx", "--date", "2025-04-09")
    issued = Document(isolated / "bien-ban.docx")
    from doithoai.privacy import texts_of

    assert "Lò Văn Thắng" in texts_of(isolated / "bien-ban.docx")  # the issued minutes name people
    cli("dossier", "export", s, "-o", isolated / "noi-bo.zip", "--as-of", "2025-04-20")
    err = cli.fail("dossier", "check-public", isolated / "noi-bo.zip").stderr
    assert "tên người kiến nghị" in err and "số điện thoại" in err
    cli("dossier", "export", s, "-o", isolated / "cong-khai.zip", "--public", "--as-of", "2025-04-20")
    assert "không thấy thông tin cá nhân" in cli("dossier", "check-public", isolated / "cong-khai.zip").stderr
    with zipfile.ZipFile(isolated / "cong-khai.zip") as z:
        z.extractall(isolated / "cong-khai")
    cli("dossier", "check-public", isolated / "cong-khai")
    everything = ""
    from doithoai.privacy import texts_of

    for p in (isolated / "cong-khai").rglob("*"):
        if p.is_file():
            everything += texts_of(p)
    for secret in ("Thắng", "Thang", "0977", "977 123", "012345678901", "gmail", "số nhà 12", "Nà Khương", "Mai",
                   "912 000", "L. V. T."):
        assert secret not in everything, secret
    public = Document(isolated / "cong-khai" / "van-ban" / "04-bien-ban.docx")
    public_text = "\n".join(p.text for p in public.paragraphs)
    first_lines = [p.text for p in issued.paragraphs[:8]]
    assert [p.text for p in public.paragraphs[:8]] == first_lines  # same number, date and heading as issued
    rows = (isolated / "cong-khai" / "du-lieu" / "kien-nghi.csv").read_text(encoding="utf-8-sig")
    assert "Mới tiếp nhận" in rows and ",new," not in rows and "Phiếu đăng ký" in rows  # labels, not codes
    assert "[đã ẩn]" in public_text or "[đã ẩn]" in rows


def test_check_public_finds_personal_data_inside_a_docx_and_xlsx(cli, base, isolated):
    from docx import Document
    from openpyxl import Workbook

    folder = isolated / "cong-bo"
    folder.mkdir()
    doc = Document()
    doc.add_paragraph("Người 1 có số 0912 345 678")
    doc.save(folder / "a.docx")
    wb = Workbook()
    wb.active.append(["Người 2", "Nội dung"])
    wb.save(folder / "b.xlsx")
    err = cli.fail("dossier", "check-public", folder).stderr
    assert "a.docx: tên người kiến nghị" in err and "a.docx: số điện thoại" in err
    assert "b.xlsx: tên người kiến nghị" in err  # shared strings inside the xlsx are read too
    import shutil as sh

    sh.rmtree(folder)
    folder.mkdir()
    cli("dossier", "check-public", folder)


def test_every_command_turns_corruption_into_the_damaged_message(cli, base, db_path):
    damage(db_path, "petitions")
    for args in (["petition", "list"], ["report", "summary"], ["report", "overdue", "--as-of", "2025-05-06"]):
        err = cli.fail(*args).stderr
        assert "bị hỏng" in err and "db restore" in err and "Traceback" not in err, (args, err)


def test_seal_hashes_read_in_table_order_equal_those_read_by_event(cli, base, db_path):
    """A full check reads row_seals in its own order; the incremental one by event: both see
    the same hashes, and both catch an altered and a forged entry."""
    from doithoai.base import open_base
    from doithoai.maintenance import _seal_events

    def both():
        db = open_base(db_path, create=False)
        try:
            return _seal_events(db, 0), _seal_events(db, -1)
        finally:
            db.conn.close()

    (problems, events), (problems_by_event, events_by_event) = both()
    assert problems == problems_by_event == [] and events == events_by_event and len(events) >= 3
    shell(db_path, "UPDATE row_seals SET digest = 'x' WHERE (tbl, row_id, event_id) = "
          "(SELECT tbl, row_id, event_id FROM row_seals ORDER BY event_id DESC LIMIT 1)")
    shell(db_path, "INSERT INTO row_seals (event_id, tbl, row_id, digest) "
          "VALUES ((SELECT min(id) FROM events WHERE action <> 'seal'), 'petitions', 999, 'y')")
    (problems, _), (problems_by_event, _) = both()
    assert problems == problems_by_event and len(problems) == 2
    assert any("đã bị sửa" in p for p in problems) and any("Niêm phong giả" in p for p in problems)
