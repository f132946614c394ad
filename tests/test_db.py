"""The database file: where it is, who can read it, migrations, the event log."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
import sqlite_utils

from doithoai.base import open_base
from doithoai.migrations import NAMES, migration_set

# The PostgreSQL run skips these (the SQLite file itself: its path, mode, PRAGMAs, locks, tampering); tests/test_postgres.py covers the server.
pytestmark = pytest.mark.sqlite_only


def test_db_path_precedence(cli, isolated, monkeypatch):
    assert cli("db", "path").stdout.strip() == str(isolated / "base.db")
    assert cli("--db", "other.db", "db", "path").stdout.strip() == "other.db"
    monkeypatch.delenv("DOITHOAI_DB")
    assert cli("db", "path").stdout.strip() == str(isolated / "xdg" / "doithoai" / "doithoai.db")


def test_file_is_owner_only_and_wal(unit, db_path):
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_init_twice_keeps_data(unit, db_path):
    unit("init", "--unit", "Huyện ủy Than Uyên", "--level", "huyen")
    assert len(unit.json("agency", "list")) == 3
    settings = {r["key"]: r["value"] for r in unit.json("config", "show")}
    assert settings["unit.signer_name"] == "Lê Thị Kim Ngân"  # not given the second time: kept
    assert settings["unit.style"] == "party"


def test_init_guesses_style_and_place(cli):
    cli("init", "--unit", "Ủy ban nhân dân xã Khoen On", "--level", "xa")
    settings = {r["key"]: r["value"] for r in cli.json("config", "show")}
    assert (settings["unit.style"], settings["unit.place"], settings["unit.symbol"]) == ("state", "Khoen On", "UBND")
    assert settings["unit.signer_on_behalf"] == "TM. ỦY BAN NHÂN DÂN"
    assert "Không có thiết lập" in cli.fail("config", "set", "unit.colour", "xanh").stderr


def test_migration_from_the_first_schema_version(tmp_path):
    """A base made by the first version opens with today's code and keeps its rows."""
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(path, isolation_level=None))
    migration_set().apply(old, stop_before=NAMES[1])  # the base as the first release made it
    old.execute("INSERT INTO settings (key, value) VALUES ('unit.name', 'Đảng ủy xã Khoen On')")
    old.execute("INSERT INTO events (at, user, action, entity) VALUES ('2023-01-01T00:00:00+00:00', 'cu', 'init', 'settings')")
    old.conn.close()
    db = open_base(path)
    applied = [r["name"] for r in db.query(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'doithoai' ORDER BY id")]
    assert applied == NAMES
    assert db.execute("SELECT value FROM settings WHERE key = 'unit.name'").fetchone()[0] == "Đảng ủy xã Khoen On"
    assert db.execute("SELECT COUNT(*) FROM fields").fetchone()[0] == 12
    from doithoai.maintenance import check

    assert check(db, full=True)["problems"] == []  # the old event got its place in the hash chain


def test_schema_has_foreign_keys_on(unit, db_path):
    db = open_base(db_path)
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO assignments (petition_id, agency_id, role, due_on, due_rule, assigned_on) "
                   "VALUES (999, 999, 'lead', '2023-01-01', 'x', '2023-01-01')")


def test_event_log_is_append_only(unit, db_path):
    db = open_base(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET user = 'x'")
    events = unit.json("log")
    assert events[0]["action"] == "config.set" and events[0]["user"]
    assert any(e["action"] == "agency.add" for e in events)


def test_not_a_database(cli, isolated):
    bad = isolated / "notes.db"
    bad.write_text("đây là ghi chú, không phải cơ sở dữ liệu " * 100)
    err = cli.fail("--db", bad, "agency", "list").stderr
    assert "không phải cơ sở dữ liệu doithoai" in err


def test_locked_database_gives_a_clear_message(unit, db_path, monkeypatch):
    import doithoai.db

    monkeypatch.setattr(doithoai.db, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        err = unit.fail("agency", "add", "NEW", "Cơ quan mới").stderr
        assert "đang bị một tiến trình khác khóa" in err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "NEW" not in [r["code"] for r in unit.json("agency", "list")]


def test_backup_check_restore(unit, db_path, isolated):
    unit("db", "check")
    backup = isolated / "sao-luu.db"
    unit("db", "backup", backup)
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert "đã có" in unit.fail("db", "backup", backup).stderr
    unit("agency", "add", "SAU", "Thêm sau khi sao lưu")
    assert "không ghi đè" in unit.fail("db", "restore", backup).stderr
    before_restore = backup.read_bytes()
    out = unit("db", "restore", backup, "--force").stderr
    assert "Tệp cũ giữ tại" in out
    assert backup.read_bytes() == before_restore  # the backup itself is only read
    assert "SAU" not in [r["code"] for r in unit.json("agency", "list")]
    aside = [p for p in isolated.iterdir() if p.name.startswith("base.db.truoc-khoi-phuc-") and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1
    conn = sqlite3.connect(aside[0])
    assert conn.execute("SELECT COUNT(*) FROM agencies WHERE code = 'SAU'").fetchone()[0] == 1
    conn.close()
    unit("db", "check")


def test_check_finds_a_tampered_event_log(unit, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET user = 'ai-do' WHERE id = 2")
    conn.commit()
    conn.close()
    err = unit.fail("db", "check").stderr
    assert "thiếu trigger" in err and "sự kiện số 2 không khớp chuỗi băm" in err
    assert "doithoai db restore" in err


def test_check_finds_a_removed_event(unit, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE id = 3")
    conn.commit()
    conn.close()
    assert "thiếu sự kiện số 3" in unit.fail("db", "check").stderr


def test_restore_refuses_a_bad_backup(unit, db_path, isolated):
    bad = isolated / "hong.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    from conftest import dump

    before = dump(db_path)
    assert "không phải bản sao lưu dùng được" in unit.fail("db", "restore", bad, "--force").stderr
    assert dump(db_path) == before
    assert not [p for p in isolated.iterdir() if "khoi-phuc" in p.name]
