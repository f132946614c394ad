"""Opening a case base: the layer just above `db`.

`db.open_connection` gives a connection to a SQLite file; `open_base` makes it a doithoai base
every service can trust: a foreign SQLite file is refused, pending migrations are applied (and
what they rewrote is sealed), the damage recorded by the last check is read, and the reference
data (default fields, shipped calendar swaps) is seeded.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from doithoai import db as dbmod
from doithoai.db import Database, transaction
from doithoai.errors import DoithoaiError, fix

SEED_VERSION = "1"


def open_base(path: Path | str, *, create: bool = True) -> Database:
    """Open (creating if needed), apply pending migrations, seed reference data."""
    path = Path(path)
    try:
        return _open(path, create)
    except sqlite3.DatabaseError as e:
        if not create and dbmod.disk_full(path):
            reader = _open_for_reading(path)
            if reader is not None:
                return reader
        raise dbmod.sqlite_error(path, e) from None


def _open(path: Path, create: bool) -> Database:
    from doithoai.migrations import NAMES

    db = dbmod.open_connection(path, create=create)
    try:
        if pending(db.conn, NAMES):
            _refuse_foreign(db.conn, path)
            with dbmod.translate_sqlite_errors(path):
                import sqlite_utils

                from doithoai.migrations import migration_set

                before = dbmod.touched_mark(db.conn)
                migration_set().apply(sqlite_utils.Database(db.conn))
                _seal_migrated(db, before)
        db.sealed = dbmod.touched_mark(db.conn) is not None
        db.damaged = recorded_damage(path)
        _seed(db)
    except BaseException:
        db.conn.close()
        raise
    return db


def _open_for_reading(path: Path) -> Database | None:
    """A full disk: the file opened immutable, if it is a base that needs no migration."""
    from doithoai.migrations import NAMES

    reader = dbmod.open_immutable(path)
    if reader is not None and pending(reader.conn, NAMES):
        reader.conn.close()
        return None
    return reader


def pending(conn: sqlite3.Connection, names: list[str]) -> bool:
    try:
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'doithoai'")}
    except sqlite3.OperationalError:  # no migrations table yet: a new file
        return True
    return not set(names) <= applied


def _refuse_foreign(conn: sqlite3.Connection, path) -> None:
    """A SQLite file made by something else is never migrated into a case base."""
    try:
        conn.execute("SELECT 1 FROM _sqlite_migrations LIMIT 1")
        return
    except sqlite3.OperationalError:
        pass
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise DoithoaiError(
            f"Tệp {path} là một cơ sở dữ liệu SQLite khác, không phải của doithoai; không ghi gì vào đó.",
            fix=fix("db.path"),
        )


def check_state_path(path) -> Path | None:
    """`<base>.check`: the last quick_check's verdict, written by maintenance.verify_daily."""
    return None if str(path) == ":memory:" else Path(str(path) + ".check")


def recorded_damage(path) -> str | None:
    state = check_state_path(path)
    if state is None or not state.exists():
        return None
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if data.get("ok", True) else str(data.get("detail") or "tệp hỏng")


def _seal_migrated(db: Database, before: int | None) -> None:
    # A migration that rewrites sealed columns is the tool writing: seal what it touched.
    from doithoai import integrity

    after = dbmod.touched_mark(db.conn)
    if after is not None and after > (before or 0):
        with transaction(db):
            integrity.seal(db, before or 0, user="migration")


def _seed(db: Database) -> None:
    """Reference data every base needs: the default fields and the shipped calendar swaps."""
    from doithoai import fields, overrides
    from doithoai.shipped import SHIPPED_VERSION

    wanted = f"{SEED_VERSION}.{SHIPPED_VERSION}"
    row = db.execute("SELECT value FROM settings WHERE key = 'seed.version'").fetchone()
    if row and row[0] == wanted:
        return
    with transaction(db):
        fields.seed(db)
        overrides.ensure_shipped(db)
        db.execute("INSERT INTO settings (key, value) VALUES ('seed.version', ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [wanted])
