"""The bottom layer: where the database file lives, how a connection is opened, and the one
transaction helper (which seals what it wrote and anchors the event chain, see integrity.py).

Nothing here knows the case schema's history or its reference data: opening a *case base*
(migrate, seal the migration, seed, read the recorded damage) is `doithoai.base.open_base`."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doithoai import integrity
from doithoai.errors import DoithoaiError, fix

# The audit log lives in events.py (so integrity can log its seals without a circle);
# services write it through this module, the layer they stand on.
from doithoai.events import event_chain, log_event, now_utc, os_user, recent_events  # noqa: F401

if TYPE_CHECKING:
    from doithoai.workdays import WorkCalendar

ENV_VAR = "DOITHOAI_DB"
BUSY_TIMEOUT_S = 10.0


def default_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    if not base:
        try:
            base = str(Path.home() / ".local" / "share")
        except RuntimeError:  # no HOME and no passwd entry (some cron set-ups)
            base = "/tmp"
    return Path(base) / "doithoai" / "doithoai.db"


def resolve_path(cli_value: str | os.PathLike | None = None) -> Path | str:
    """--db, else $DOITHOAI_DB, else the user's data dir: a SQLite file path, or a PostgreSQL
    URL kept as text (never made a Path; shown only through dialect.mask_url)."""
    return resolve_target(cli_value)


def resolve_target(cli_value: str | os.PathLike | None = None) -> Path | str:
    """--db, else $DOITHOAI_DB, else the user's data dir: a SQLite file path, or a PostgreSQL
    URL kept as text (never made a Path, never printed with its password)."""
    value = cli_value or os.environ.get(ENV_VAR)
    if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
        return value
    return Path(value).expanduser() if value else default_path()


def _create_private(path: Path) -> None:
    # The file holds petitioners' personal data (Decree 13/2023): owner-only from birth.
    # SQLite gives its -wal and -shm files the same mode as the database file.
    try:
        from doithoai.fileio import create_private, make_private_dir

        if not path.parent.is_dir():
            make_private_dir(path.parent)
        create_private(path)
    except FileExistsError:
        pass
    except OSError as e:
        raise DoithoaiError(
            f"Không tạo được tệp cơ sở dữ liệu {path}: {e.strerror}.",
            fix=fix("db.writable_or_other"),
        ) from None


class Database:
    """The connection and the few calls the services use. sqlite-utils (50 ms to import) is
    loaded only by migrations, so an ordinary command starts quickly. `doithoai.pg.PgDatabase`
    gives the same calls on a PostgreSQL server."""

    engine = "sqlite"
    dialect: Any = None  # doithoai.dialect.SQLite, set below (the import stays out of start-up's way)

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        # what a brief write attempt (search.write_briefly) treats as "not now": busy, read-only
        self.write_errors: tuple = (sqlite3.OperationalError,)
        self.integrity_errors: tuple = (sqlite3.IntegrityError,)  # a constraint refused a row
        if self.dialect is None:
            type(self).dialect = _dialect()
        self.sealed = False  # the base has row seals (m006): transactions seal what they write
        self.damaged: str | None = None  # the last recorded quick_check failed: refuse writes
        self.read_only: str | None = None  # opened for reading only (full disk): refuse writes
        # (calendar.rev, the WorkCalendar built from it): kept by deadlines.load_calendar so a
        # report over many petitions builds the working-day calendar once per connection.
        self.calendar: tuple[int, WorkCalendar] | None = None

    def execute(self, sql: str, params=()):
        return self.conn.execute(sql, params)

    def executescript(self, sql: str):
        return self.conn.executescript(sql)

    def query(self, sql: str, params=()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        if cursor.description is None:  # a statement that returns no rows (psycopg says so this way)
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def row(self, sql: str, params=()) -> dict | None:
        """The first row of a query as a dict, or None."""
        cursor = self.conn.execute(sql, params)
        found = cursor.fetchone()
        return None if found is None else dict(zip([d[0] for d in cursor.description], found))

    def insert(self, table: str, record: Mapping[str, Any], *, or_ignore: bool = False) -> int:
        """INSERT one record (column → value); returns its rowid. Table and column names come
        from the code, never from input."""
        cursor = self.conn.execute(_insert_sql(table, list(record), or_ignore), list(record.values()))
        return cursor.lastrowid or 0

    def insert_many(self, table: str, columns: Iterable[str], rows: Iterable[Sequence[Any]], *,
                    or_ignore: bool = False) -> None:
        """INSERT many rows given as value sequences in the order of `columns`."""
        self.conn.executemany(_insert_sql(table, list(columns), or_ignore), rows)

    # The engine's side of transaction(): BEGIN IMMEDIATE takes SQLite's write lock up front.
    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        # SQLite may already have rolled back by itself (disk full, I/O error): do not mask the cause.
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def translate_errors(self):
        return translate_sqlite_errors(self.path)


def _dialect():
    from doithoai.dialect import SQLite

    return SQLite


def _insert_sql(table: str, columns: list[str], or_ignore: bool) -> str:
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def open_connection(path: Path | str, *, create: bool = True) -> Database:
    """Open the SQLite file (creating it owner-only if asked) with the project's pragmas.
    Nothing else: migrating, seeding and checking a case base is `doithoai.base.open_base`."""
    path = Path(path)
    if str(path) != ":memory:":
        # Only stat the file, never open() it: closing any descriptor of a database file drops
        # every POSIX lock this process holds on it, and SQLite's locking relies on them.
        try:
            exists = path.exists()
            if exists and not os.access(path, os.R_OK):
                raise PermissionError(13, "Permission denied")
        except OSError as e:
            raise DoithoaiError(
                f"Không mở được tệp cơ sở dữ liệu {path}: {e.strerror}.",
                "Kiểm tra quyền của tệp và của các thư mục chứa nó, hoặc chạy lệnh bằng đúng người dùng sở hữu tệp.",
            ) from None
        if exists and not create and path.stat().st_size == 0:
            raise DoithoaiError(
                f"Tệp {path} rỗng (0 byte): không phải cơ sở dữ liệu doithoai; không đọc, không ghi gì.",
                fix=fix("db.restore_or_init"),
            )
        if not exists:
            if not create:
                raise DoithoaiError(
                    f"Chưa có cơ sở dữ liệu tại {path}.",
                    fix=fix("init.or_db"),
                )
            _create_private(path)
    # isolation_level=None: no implicit transactions; every write goes through transaction().
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:" and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # 16 MiB of page cache (SQLite's default is 2): an import's random-key index inserts stop
        # spilling to disk, three times faster; a bound, so memory stays flat for any file size.
        conn.execute("PRAGMA cache_size = -16384")
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return Database(conn, path)


def disk_full(path) -> bool:
    try:
        st = os.statvfs(Path(path).parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def open_immutable(path: Path) -> Database | None:
    """On a full disk SQLite cannot create the -wal/-shm files even to read. When the last
    writer closed cleanly (no WAL content) the file alone is the whole truth: open it
    immutable, so reads work and every write is refused with the real reason."""
    from urllib.parse import quote

    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?immutable=1", uri=True, isolation_level=None)
    except sqlite3.DatabaseError:
        return None
    db = Database(conn, path)
    db.read_only = f"ổ đĩa chứa {path} đã đầy"
    db.sealed = touched_mark(conn) is not None
    return db


def touched_mark(conn: sqlite3.Connection) -> int | None:
    """The newest row_touched id, or None when the base has no row seals (before m006)."""
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM row_touched").fetchone()[0]
    except sqlite3.OperationalError:
        return None


def sqlite_error(path, e: sqlite3.Error) -> DoithoaiError:
    text = str(e)
    if "locked" in text or "busy" in text:
        return DoithoaiError(
            f"Cơ sở dữ liệu {path} đang bị một tiến trình khác khóa quá {BUSY_TIMEOUT_S:g} giây; "
            "chưa ghi gì.",
            "Chờ lệnh kia (ví dụ cron nhắc việc) chạy xong rồi chạy lại.",
        )
    if "readonly" in text or "read-only" in text:
        return DoithoaiError(
            f"Không ghi được vào {path}: tệp chỉ cho phép đọc; chưa ghi gì.",
            "Kiểm tra quyền ghi của tệp và thư mục chứa nó.",
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DoithoaiError(
            f"Ổ đĩa đầy khi ghi vào {path}; mọi thay đổi của lệnh này đã được hủy.",
            "Giải phóng dung lượng ổ đĩa rồi chạy lại.",
        )
    if "disk I/O error" in text and disk_full(path):
        return DoithoaiError(
            f"Ổ đĩa chứa {path} đã đầy; mọi thay đổi của lệnh này đã được hủy, dữ liệu cũ còn nguyên.",
            "Giải phóng dung lượng ổ đĩa rồi chạy lại.",
        )
    if "disk I/O error" in text:
        return DoithoaiError(
            f"Lỗi ghi đĩa khi ghi vào {path} (đĩa đầy, vượt giới hạn kích thước tệp hoặc ổ hỏng); "
            "mọi thay đổi của lệnh này đã được hủy.",
            fix=fix("db.disk_then_check"),
        )
    if "unable to open" in text:
        return DoithoaiError(
            f"Không mở được tệp cơ sở dữ liệu {path} (không có quyền đọc/ghi, hoặc thư mục không ghi được).",
            "Kiểm tra quyền của tệp và thư mục chứa nó (tệp .db, .db-wal, .db-shm).",
        )
    if "not a database" in text:
        return DoithoaiError(
            f"Tệp {path} không phải cơ sở dữ liệu doithoai hoặc đã hỏng ({text}).",
            fix=fix("db.path_or_restore"),
        )
    if "malformed" in text or "corrupt" in text:
        return DoithoaiError(
            f"Tệp cơ sở dữ liệu {path} bị hỏng ({text}); không đọc tiếp để tránh đưa ra kết quả sai, "
            "mọi thay đổi của lệnh này đã được hủy.",
            fix=fix("db.restore"),
        )
    return DoithoaiError(f"Lỗi cơ sở dữ liệu {path}: {text}.", fix=fix("db.check"))


@contextlib.contextmanager
def translate_sqlite_errors(path):
    try:
        yield
    except sqlite3.OperationalError as e:
        raise sqlite_error(path, e) from None


@contextlib.contextmanager
def transaction(db: Database, rollback: bool = False):
    """One write command = one transaction. BEGIN IMMEDIATE takes the write lock up front,
    so a concurrent writer waits (busy timeout) instead of failing half-way.
    rollback=True runs everything and then undoes it (--dry-run)."""
    path = db.path
    if db.damaged and not rollback:
        raise DoithoaiError(
            f"Tệp {path} không qua kiểm tra toàn vẹn ({db.damaged}); không ghi gì vào tệp hỏng.",
            fix=fix("db.restore"))
    if db.read_only and not rollback:
        raise DoithoaiError(f"Không ghi được: {db.read_only}; chưa ghi gì.",
                            "Giải phóng dung lượng ổ đĩa rồi chạy lại.")
    with db.translate_errors():
        db.begin()
        start = touched_mark(db.conn) if db.sealed else None
        head_before = db.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    try:
        yield db
    except BaseException:
        _rollback(db)
        raise
    if rollback:
        _rollback(db)
        return
    with db.translate_errors():
        try:
            if start is not None:
                integrity.seal(db, start)
            head = db.conn.execute("SELECT id, chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
            db.commit()
        except BaseException:
            _rollback(db)
            raise
    if head and head[0] > head_before:
        integrity.append_anchor(path, {"event_id": head[0], "chain": head[1]}, "write")


def _rollback(db) -> None:
    db.rollback()
