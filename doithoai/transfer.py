"""`db copy`: a unit's whole base from a SQLite file to a PostgreSQL server or back, losslessly.

Every row of every table is copied with its id — the event log included, so the hash chain
and every seal stay valid — and the target is verified after (same rows per table, same chain
head, the chain recomputed from the first event). The tables the triggers keep (tallies, the
search queue, row notes) are copied as they were, after the case tables, so the target is the
source and not a re-computation of it; the search index is copied as its folded documents.

A SQLite target is written into a new file beside it and renamed into place (nothing
half-written); its schema is the one a migrated base has, statement for statement. A
PostgreSQL target is filled in one transaction. A target that already holds a base is refused
without `force`; one that already holds exactly this base is left as it is (copying twice is
harmless).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from doithoai import dialect
from doithoai.db import Database
from doithoai.errors import DoithoaiError, fix
from doithoai.events import event_chain

# Kept by triggers: copied after the case tables, replacing what the triggers wrote meanwhile.
# Order matters: deleting first_written queues answers, so answer_queue comes after it.
DERIVED = ("first_written", "answer_queue", "petition_counts", "answer_days", "tally_state", "search_stale",
           "row_seals", "row_touched")
# What makes a base: a target holding any of these is not empty.
CASE_TABLES = ("agencies", "sessions", "petitioners", "petitions", "documents", "import_batches", "mail_outbox")
CHUNK = 2000
SEARCH = "petition_search"


def _is_url(target) -> bool:
    return dialect.is_url(str(target))


def _shown(target) -> str:
    return dialect.mask_url(str(target)) if _is_url(target) else str(target)


def _reference() -> sqlite3.Connection:
    """A fresh SQLite base in memory: the schema every copy follows (tables, their order,
    foreign keys, and the exact statements a SQLite target is built from)."""
    from doithoai.base import open_base

    return open_base(":memory:").conn


def _tables(ref: sqlite3.Connection) -> list[str]:
    names = [r[0] for r in ref.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")]
    return [n for n in names if not n.startswith(("sqlite_", SEARCH)) and n != "_sqlite_migrations"]


def _order(ref: sqlite3.Connection, tables: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Case tables parents first; self-references (filled after) per table."""
    deps, selfref = {}, {}
    for t in tables:
        fks = ref.execute(f"PRAGMA foreign_key_list({t})").fetchall()
        deps[t] = {fk[2] for fk in fks if fk[2] != t and fk[2] in tables}
        selfref[t] = [fk[3] for fk in fks if fk[2] == t]
    done: list[str] = []
    while len(done) < len(tables):
        ready = [t for t in tables if t not in done and deps[t] <= set(done)]
        if not ready:
            raise RuntimeError("foreign keys in a circle")
        done.extend(ready)
    return done, selfref


def _columns(db: Database, table: str) -> list[str]:
    if db.engine == "sqlite":
        return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
    return [r[0] for r in db.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position", [table])]


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _rows(db: Database, table: str, columns: list[str]):
    """The table's rows in a stable order, read in chunks (a server-side cursor on PostgreSQL)."""
    if db.engine == "sqlite":
        cursor = db.conn.cursor()
        cursor.execute(f"SELECT {_quoted(columns)} FROM {table}")  # rowid (or key) order
    else:
        cursor = db.pgconn.raw.cursor(name=f"copy_{table}")  # type: ignore[attr-defined]
        cursor.execute(f"SELECT {_quoted(columns)} FROM {table} ORDER BY {_quoted(columns)}")
    try:
        while True:
            chunk = cursor.fetchmany(CHUNK)
            if not chunk:
                break
            yield from chunk
    finally:
        cursor.close()


def _search_rows(db: Database):
    if db.engine == "sqlite":
        return db.conn.execute(f"SELECT rowid, doc FROM {SEARCH} ORDER BY rowid").fetchall()
    return db.execute(f"SELECT rowid, doc FROM {SEARCH} ORDER BY rowid").fetchall()


def _put_search(db: Database, rows) -> None:
    if db.engine == "sqlite":
        db.conn.executemany(f"INSERT INTO {SEARCH} (rowid, doc) VALUES (?, ?)", rows)
    else:
        db.execute(f"DELETE FROM {SEARCH}")
        _insert(db, SEARCH, ["rowid", "doc"], rows)


def _insert(db: Database, table: str, columns: list[str], rows) -> None:
    text = f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({', '.join('?' * len(columns))})"
    if db.engine == "sqlite":
        db.conn.executemany(text, rows)
        return
    raw = db.pgconn.raw  # type: ignore[attr-defined]
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as pipe:
        for row in rows:
            pipe.write_row(row)


def fingerprint(db: Database, tables: list[str]) -> dict:
    """Rows per table and the head of the event chain: what 'the same base' means here."""
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    head = db.execute("SELECT id, chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    return {"counts": counts, "head": list(head) if head else [0, ""]}


def verify_chain(db: Database) -> int:
    """Recompute the hash chain from the first event; returns the number of events."""
    previous, n = "", 0
    for row in db.execute('SELECT id, at, user, action, entity, entity_id, before, after, chain FROM events ORDER BY id'):
        previous = event_chain(previous, row[1:8])
        if row[8] != previous:
            raise DoithoaiError(f"Chuỗi nhật ký đứt ở sự kiện số {row[0]} sau khi chép; đã hủy, đích không đổi.",
                                fix=fix("db.copy_check_source"))
        n += 1
    return n


def _has_base(db: Database) -> bool:
    return any(db.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in CASE_TABLES) or bool(
        db.execute("SELECT 1 FROM settings WHERE key LIKE 'unit.%' LIMIT 1").fetchone())


def copy(source: str | Path, target: str | Path, *, force: bool = False) -> dict:
    """Copy the base at `source` to `target` (each a SQLite file or a PostgreSQL URL)."""
    from doithoai.base import open_base

    if str(source) == str(target):
        raise DoithoaiError("Nguồn và đích của lệnh chép là một.", "Chọn một đích khác nguồn.")
    ref = _reference()
    try:
        tables = _tables(ref)
        order, selfref = _order(ref, [t for t in tables if t not in DERIVED])
        src = open_base(str(source) if _is_url(source) else Path(source), create=False)
        try:
            _begin_read(src)
            want = fingerprint(src, tables)
            if _is_url(target):
                result = _to_server(src, str(target), ref, tables, order, selfref, want, force)
            else:
                result = _to_file(src, Path(target), ref, tables, order, selfref, want, force)
        finally:
            src.rollback()
            src.conn.close()
    finally:
        ref.close()
    return {"source": _shown(source), "target": _shown(target), **result}


def _begin_read(db: Database) -> None:
    """One consistent snapshot of the source for the whole copy (writers go on meanwhile)."""
    if db.engine == "sqlite":
        db.conn.execute("BEGIN")
        db.conn.execute("SELECT 1 FROM events LIMIT 1").fetchall()
    else:
        db.pgconn.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")  # type: ignore[attr-defined]


def _fill(src: Database, dst: Database, tables: list[str], order: list[str], selfref: dict[str, list[str]]) -> None:
    for table in order:
        columns = _columns(src, table)
        later = selfref.get(table) or []
        if later:
            fixups: list = []
            _insert(dst, table, columns, _cleared(_rows(src, table, columns), columns, later, fixups))
            sets = ", ".join(f"{c} = ?" for c in later)
            for fix_row in fixups:
                dst.execute(f"UPDATE {table} SET {sets} WHERE id = ?", fix_row)
        else:
            _insert(dst, table, columns, _rows(src, table, columns))
    for table in DERIVED:
        dst.execute(f"DELETE FROM {table}")
        columns = _columns(src, table)
        _insert(dst, table, columns, _rows(src, table, columns))
    _put_search(dst, _search_rows(src))


def _cleared(rows, columns: list[str], later: list[str], fixups: list):
    """Rows with their self-references (petitions.duplicate_of, documents.replaced_by) left
    empty, to be set once every row of the table is in; the values go to `fixups`."""
    pos = [columns.index(c) for c in later]
    key = columns.index("id")
    for row in rows:
        row = list(row)
        values = [row[p] for p in pos]
        if any(v is not None for v in values):
            fixups.append([*values, row[key]])
            for p in pos:
                row[p] = None
        yield row


def _check(dst: Database, tables: list[str], want: dict) -> int:
    got = fingerprint(dst, tables)
    if got != want:
        diff = [t for t in tables if got["counts"][t] != want["counts"][t]]
        raise DoithoaiError(f"Bản chép khác nguồn ({', '.join(diff) or 'đầu chuỗi nhật ký'}); đã hủy, đích không đổi.",
                            fix=fix("db.copy_check_source"))
    return verify_chain(dst)


def _to_server(src, url, ref, tables, order, selfref, want, force) -> dict:
    from doithoai import pg
    from doithoai.base import open_base

    dst = open_base(url, create=True)
    try:
        if _has_base(dst):
            if fingerprint(dst, tables) == want:
                return {"copied": False, "events": want["head"][0], "rows": sum(want["counts"].values())}
            if not force:
                raise _not_empty(url)
        raw = dst.pgconn.raw  # type: ignore[attr-defined]
        with pg.translate_errors(url), raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", [dst.lock_key])  # type: ignore[attr-defined]
            raw.execute(f"TRUNCATE {', '.join([*tables, SEARCH])}")
            _fill(src, dst, tables, order, selfref)
            events = _check(dst, tables, want)
        _anchor(dst, want)
        return {"copied": True, "events": events, "rows": sum(want["counts"].values())}
    finally:
        dst.conn.close()


def _to_file(src, path: Path, ref, tables, order, selfref, want, force) -> dict:
    from doithoai.base import open_base
    from doithoai.db import open_connection

    if path.exists() and path.stat().st_size > 0:
        existing = open_base(path, create=False)
        try:
            if _has_base(existing):
                if fingerprint(existing, tables) == want:
                    return {"copied": False, "events": want["head"][0], "rows": sum(want["counts"].values())}
                if not force:
                    raise _not_empty(path)
        finally:
            existing.conn.close()
    temp = path.with_name(path.name + ".copy-tmp")
    for suffix in ("", "-wal", "-shm"):
        Path(str(temp) + suffix).unlink(missing_ok=True)
    try:
        dst = open_connection(temp, create=True)
        try:
            conn = dst.conn
            conn.execute("BEGIN IMMEDIATE")
            # The schema statement for statement as a migrated base has it (the same order too).
            for (sql,) in ref.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '"
                                      + SEARCH + "_%' ORDER BY rowid"):
                conn.execute(sql)
            columns = _columns(src, "_sqlite_migrations")
            _insert(dst, "_sqlite_migrations", columns, _rows(src, "_sqlite_migrations", columns))
            _fill(src, dst, tables, order, selfref)
            events = _check(dst, tables, want)
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
        aside = None
        if path.exists():
            import datetime as dt

            with sqlite3.connect(path) as old:  # the old file whole, its WAL folded in, before it moves
                old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            old.close()
            aside = path.with_name(f"{path.name}.truoc-khi-chep-{dt.datetime.now():%Y%m%d-%H%M%S}")
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(temp, path)
        for suffix in (".anchors", ".check"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
        raise
    from doithoai import integrity

    integrity.append_anchor(path, {"event_id": want["head"][0], "chain": want["head"][1]}, "copy")
    return {"copied": True, "events": events, "rows": sum(want["counts"].values()), "aside": aside}


def _anchor(dst: Database, want: dict) -> None:
    from doithoai import integrity

    integrity.append_anchor(dst.path, {"event_id": want["head"][0], "chain": want["head"][1]}, "copy")


def _not_empty(target) -> DoithoaiError:
    return DoithoaiError(f"Đích {_shown(target)} đã có dữ liệu của một cơ sở dữ liệu khác; không chép đè.",
                         fix=fix("db.copy_force"))


# ---------------------------------------------------------------- db backup / restore of a server base

def backup_server(db: Database, target: Path) -> dict:
    """`db backup` of a unit on a server: the whole base copied into a new SQLite file (one
    consistent snapshot), with the same manifest beside it as a file's backup."""
    import json

    from doithoai import integrity
    from doithoai.events import now_utc
    from doithoai.fileio import sha256_file, write_atomic

    target = Path(target)
    if target.exists():
        raise DoithoaiError(f"{target} đã có; không ghi đè bản sao lưu.", "Chọn tên tệp khác, ví dụ kèm ngày tháng.")
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", "Tạo thư mục trước.")
    url = db.url  # type: ignore[attr-defined]
    result = copy(url, target)
    for suffix in (".anchors", ".check"):  # the copy's own bookkeeping: a backup is the file alone
        Path(str(target) + suffix).unlink(missing_ok=True)
    check = sqlite3.connect(target)
    try:
        anchor = integrity.head(check)
    finally:
        check.close()
    manifest = {"backup": target.name, "source": str(db.path), "created_at": now_utc(),
                "bytes": target.stat().st_size, "sha256": sha256_file(target),
                "anchor": integrity.anchor_text(anchor), **anchor}
    write_atomic(Path(str(target) + ".json"), json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
                 what="manifest của bản sao lưu")
    integrity.append_anchor(db.path, anchor, "backup", file=str(target))
    return {"target": str(target), "bytes": manifest["bytes"], "anchor": manifest["anchor"], "rows": result["rows"]}


def restore_server(source: Path, url: str, force: bool = False) -> dict:
    """`db restore` into a unit on a server: the backup file (only read: a private copy is
    checked and migrated) replaces the unit's data; what it replaces is first saved as a file
    beside the unit's anchors, never lost."""
    import datetime as dt
    import shutil
    import tempfile

    from doithoai.base import open_base

    source = Path(source)
    if not source.is_file():
        raise DoithoaiError(f"Không có tệp sao lưu {source}.", "Kiểm tra đường dẫn.")
    current = open_base(url, create=True)
    try:
        occupied = _has_base(current)
    finally:
        current.conn.close()
    if occupied and not force:
        raise DoithoaiError(f"{dialect.mask_url(url)} đang có dữ liệu; không ghi đè.", fix=fix("db.restore_force"))
    with tempfile.TemporaryDirectory(prefix="doithoai-restore-") as folder:
        probe_path = Path(folder) / "backup.db"
        shutil.copyfile(source, probe_path)
        try:
            probe = open_base(probe_path, create=False)
        except DoithoaiError as e:
            raise DoithoaiError(f"{source} không phải bản sao lưu dùng được: {e.message}", e.hint, fix=e.fix) from None
        try:
            verify_chain(probe)  # the copy re-verifies it, and every row count, after writing
        except DoithoaiError:
            raise DoithoaiError(f"Bản sao lưu {source} có lỗi: chuỗi nhật ký không nguyên vẹn.",
                                "Chọn bản sao lưu khác.") from None
        finally:
            probe.conn.close()
        aside = None
        if occupied:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = dialect.local_state_path(url, f".truoc-khoi-phuc-{stamp}.db")
            copy(url, aside)
        copy(probe_path, url, force=True)
    from doithoai import integrity

    restored = open_base(url, create=False)
    try:
        anchor = integrity.head(restored)
    finally:
        restored.conn.close()
    dialect.local_state_path(url, ".check").unlink(missing_ok=True)
    integrity.append_anchor(url, anchor, "restore", file=str(source))  # a restore starts a new history
    return {"target": dialect.mask_url(url), "aside": str(aside) if aside else None, "damaged": False}
