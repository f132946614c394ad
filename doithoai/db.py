"""Where the database lives, how it is opened, and the transaction / event-log helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import sqlite3
from pathlib import Path

from doithoai.errors import DoithoaiError

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


def resolve_path(cli_value: str | os.PathLike | None = None) -> Path:
    """--db, else $DOITHOAI_DB, else the user's data dir."""
    value = cli_value or os.environ.get(ENV_VAR)
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
            "Kiểm tra thư mục có tồn tại và bạn có quyền ghi, hoặc chọn tệp khác bằng --db.",
        ) from None


class Database:
    """The connection and the three calls the services use. sqlite-utils (50 ms to import) is
    loaded only when migrations are pending, so an ordinary command starts quickly."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.sealed = False  # the base has row seals (m006): transactions seal what they write
        self.damaged: str | None = None  # the last recorded quick_check failed: refuse writes
        self.read_only: str | None = None  # opened for reading only (full disk): refuse writes

    def execute(self, sql: str, params=()):
        return self.conn.execute(sql, params)

    def executescript(self, sql: str):
        return self.conn.executescript(sql)

    def query(self, sql: str, params=()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def connect(path: Path | str, *, create: bool = True) -> Database:
    """Open (creating if needed), apply pending migrations, seed reference data."""
    from doithoai.migrations import NAMES

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
                "Nếu tệp bị hỏng, khôi phục từ bản sao lưu (`doithoai db restore TỆP --force`); "
                "nếu muốn bắt đầu cơ sở dữ liệu mới tại đây, chạy `doithoai init --unit …`.",
            )
        if not exists:
            if not create:
                raise DoithoaiError(
                    f"Chưa có cơ sở dữ liệu tại {path}.",
                    "Chạy `doithoai init --unit …` để khởi tạo, hoặc chỉ đúng tệp bằng --db.",
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
        db = Database(conn, path)
        if _pending(conn, NAMES):
            _refuse_foreign(conn, path)
            with _translate_sqlite_errors(path):
                import sqlite_utils

                from doithoai.migrations import migration_set

                before = _touched_mark(conn)
                migration_set().apply(sqlite_utils.Database(conn))
                _seal_migrated(db, before)
        db.sealed = _touched_mark(conn) is not None
        db.damaged = _recorded_damage(path)
        _seed(db)
    except sqlite3.DatabaseError as e:
        conn.close()
        if not create and _disk_full(path):
            reader = _open_for_reading(path)
            if reader is not None:
                return reader
        raise _sqlite_error(path, e) from None
    return db


def _disk_full(path) -> bool:
    try:
        st = os.statvfs(Path(path).parent)
    except (OSError, AttributeError):
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def _open_for_reading(path: Path) -> "Database | None":
    """On a full disk SQLite cannot create the -wal/-shm files even to read. When the last
    writer closed cleanly (no WAL content) the file alone is the whole truth: open it
    immutable, so reads work and every write is refused with the real reason."""
    from urllib.parse import quote

    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?immutable=1", uri=True, isolation_level=None)
        if _pending(conn, __import__("doithoai.migrations", fromlist=["NAMES"]).NAMES):
            conn.close()
            return None
    except sqlite3.DatabaseError:
        return None
    db = Database(conn, path)
    db.read_only = f"ổ đĩa chứa {path} đã đầy"
    db.sealed = _touched_mark(conn) is not None
    return db


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
            "Kiểm tra lại đường dẫn --db (hoặc biến DOITHOAI_DB).",
        )


def check_state_path(path) -> Path | None:
    return None if str(path) == ":memory:" else Path(str(path) + ".check")


def _recorded_damage(path) -> str | None:
    state = check_state_path(path)
    if state is None or not state.exists():
        return None
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return None if data.get("ok", True) else str(data.get("detail") or "tệp hỏng")


def _touched_mark(conn: sqlite3.Connection) -> int | None:
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM row_touched").fetchone()[0]
    except sqlite3.OperationalError:
        return None


def _seal_migrated(db, before: int | None) -> None:
    # A migration that rewrites sealed columns is the tool writing: seal what it touched.
    after = _touched_mark(db.conn)
    if after is not None and after > (before or 0):
        from doithoai import integrity

        with transaction(db):
            integrity.seal(db, before or 0, user="migration")


def _pending(conn: sqlite3.Connection, names: list[str]) -> bool:
    try:
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'doithoai'")}
    except sqlite3.OperationalError:  # no migrations table yet: a new file
        return True
    return not set(names) <= applied


SEED_VERSION = "1"


def _seed(db) -> None:
    """Reference data every base needs: the default fields and the shipped calendar swaps."""
    from doithoai import deadlines, fields
    from doithoai.shipped import SHIPPED_VERSION

    wanted = f"{SEED_VERSION}.{SHIPPED_VERSION}"
    row = db.execute("SELECT value FROM settings WHERE key = 'seed.version'").fetchone()
    if row and row[0] == wanted:
        return
    with transaction(db):
        fields.seed(db)
        deadlines.ensure_shipped(db)
        db.execute("INSERT INTO settings (key, value) VALUES ('seed.version', ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [wanted])


def _sqlite_error(path, e: sqlite3.Error) -> DoithoaiError:
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
    if "disk I/O error" in text and _disk_full(path):
        return DoithoaiError(
            f"Ổ đĩa chứa {path} đã đầy; mọi thay đổi của lệnh này đã được hủy, dữ liệu cũ còn nguyên.",
            "Giải phóng dung lượng ổ đĩa rồi chạy lại.",
        )
    if "disk I/O error" in text:
        return DoithoaiError(
            f"Lỗi ghi đĩa khi ghi vào {path} (đĩa đầy, vượt giới hạn kích thước tệp hoặc ổ hỏng); "
            "mọi thay đổi của lệnh này đã được hủy.",
            "Kiểm tra dung lượng và tình trạng ổ đĩa rồi chạy lại; sau đó chạy `doithoai db check`.",
        )
    if "unable to open" in text:
        return DoithoaiError(
            f"Không mở được tệp cơ sở dữ liệu {path} (không có quyền đọc/ghi, hoặc thư mục không ghi được).",
            "Kiểm tra quyền của tệp và thư mục chứa nó (tệp .db, .db-wal, .db-shm).",
        )
    if "not a database" in text:
        return DoithoaiError(
            f"Tệp {path} không phải cơ sở dữ liệu doithoai hoặc đã hỏng ({text}).",
            "Kiểm tra lại đường dẫn --db; nếu tệp hỏng, khôi phục từ bản sao lưu "
            "(`doithoai db restore TỆP --force`, tệp hỏng được giữ lại bên cạnh).",
        )
    if "malformed" in text or "corrupt" in text:
        return DoithoaiError(
            f"Tệp cơ sở dữ liệu {path} bị hỏng ({text}); không đọc tiếp để tránh đưa ra kết quả sai, "
            "mọi thay đổi của lệnh này đã được hủy.",
            "Khôi phục từ bản sao lưu gần nhất: `doithoai db restore TỆP --force` (tệp hỏng được giữ lại bên cạnh).",
        )
    return DoithoaiError(f"Lỗi cơ sở dữ liệu {path}: {text}.", "Chạy `doithoai db check` để kiểm tra tệp.")


@contextlib.contextmanager
def _translate_sqlite_errors(path):
    try:
        yield
    except sqlite3.OperationalError as e:
        raise _sqlite_error(path, e) from None


@contextlib.contextmanager
def transaction(db, rollback: bool = False):
    """One write command = one transaction. BEGIN IMMEDIATE takes the write lock up front,
    so a concurrent writer waits (busy timeout) instead of failing half-way.
    rollback=True runs everything and then undoes it (--dry-run)."""
    path = getattr(db, "path", "")
    damaged = getattr(db, "damaged", None)
    if damaged and not rollback:
        raise DoithoaiError(
            f"Tệp {path} không qua kiểm tra toàn vẹn ({damaged}); không ghi gì vào tệp hỏng.",
            "Khôi phục từ bản sao lưu gần nhất: `doithoai db restore TỆP --force` (tệp hỏng được giữ lại bên cạnh).")
    if getattr(db, "read_only", None) and not rollback:
        raise DoithoaiError(f"Không ghi được: {db.read_only}; chưa ghi gì.",
                            "Giải phóng dung lượng ổ đĩa rồi chạy lại.")
    with _translate_sqlite_errors(path):
        db.conn.execute("BEGIN IMMEDIATE")
        sealed = getattr(db, "sealed", False)
        start = _touched_mark(db.conn) if sealed else None
        head_before = db.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    try:
        yield db
    except BaseException:
        _rollback(db)
        raise
    if rollback:
        _rollback(db)
        return
    with _translate_sqlite_errors(path):
        try:
            if start is not None:
                from doithoai import integrity

                integrity.seal(db, start)
            head = db.conn.execute("SELECT id, chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
            db.conn.execute("COMMIT")
        except BaseException:
            _rollback(db)
            raise
    if head and head[0] > head_before:
        from doithoai import integrity

        integrity.append_anchor(path, {"event_id": head[0], "chain": head[1]}, "write")


def _rollback(db) -> None:
    # SQLite may already have rolled back by itself (disk full, I/O error): do not mask the cause.
    if db.conn.in_transaction:
        db.conn.execute("ROLLBACK")


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no USER/LOGNAME and no passwd entry
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def event_chain(previous: str, fields) -> str:
    import hashlib

    text = "\x1f".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(f"{previous}\x1e{text}".encode("utf-8")).hexdigest()


def log_event(db, action: str, entity: str, entity_id: int | None, before=None, after=None) -> None:
    """Append to the event log. Callers pass no personal data (names, phones, addresses)."""

    def dump(value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)

    fields = [now_utc(), os_user(), action, entity, entity_id, dump(before), dump(after)]
    last = db.execute("SELECT chain FROM events ORDER BY id DESC LIMIT 1").fetchone()
    db.execute(
        "INSERT INTO events (at, user, action, entity, entity_id, before, after, chain) VALUES (?,?,?,?,?,?,?,?)",
        [*fields, event_chain(last[0] if last and last[0] else "", fields)],
    )


def recent_events(db, petition: int | None = None, limit: int = 200) -> list[dict]:
    # Seal events (integrity bookkeeping, see integrity.py) are not something a clerk did.
    where, params = ("WHERE entity = 'petitions' AND entity_id = ?", [petition]) if petition \
        else ("WHERE action <> 'seal'", [])
    return list(db.query(
        f"SELECT * FROM (SELECT * FROM events {where} ORDER BY id DESC LIMIT ?) ORDER BY id", [*params, limit]))
