"""A case base on a PostgreSQL server (psycopg 3). Imported only when the URL is PostgreSQL.

`PgDatabase` keeps `db.Database`'s calls (execute/query/row/insert/insert_many and the
`transaction()` of db.py) over a psycopg connection: SQL arrives in the SQLite form services
write and is rewritten once by `dialect.Postgres.sql`. Each unit is one schema; the connection's
search_path points at it, so the services' unqualified table names are the unit's tables.

Writers of one unit are serialised by a transaction-level advisory lock taken at BEGIN (the
equivalent of SQLite's BEGIN IMMEDIATE): the hash-chained event log stays one line, readers are
never blocked, and clerks of different units never wait for each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import psycopg

from doithoai import dialect
from doithoai.db import Database
from doithoai.errors import DoithoaiError, fix

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_MS = 10_000


class _Inserted:
    """An INSERT's cursor with sqlite3's `lastrowid` (the id RETURNING gave)."""

    def __init__(self, cursor):
        self.cursor = cursor
        rows = cursor.fetchall() if cursor.description else []
        self.lastrowid = rows[-1][0] if rows else None
        self.rowcount = cursor.rowcount

    def fetchone(self):
        return None

    def fetchall(self):
        return []

    def __iter__(self):
        return iter(())


_INSERT_INTO = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


class _Cursor:
    """A psycopg cursor taking the SQLite-form SQL (for code that iterates a cursor in chunks)."""

    def __init__(self, raw: psycopg.Connection):
        self.cursor = raw.cursor()

    def execute(self, sql: str, params=()):
        self.cursor.execute(dialect.Postgres.sql(sql), list(params))
        return self

    def __getattr__(self, name):
        return getattr(self.cursor, name)

    def __iter__(self):
        return iter(self.cursor)


class _Conn:
    """The few sqlite3.Connection calls the layer below services makes, on psycopg."""

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw
        self.db: PgDatabase | None = None

    def execute(self, sql: str, params=()):
        head = sql.lstrip()[:16].upper()
        if head.startswith("BEGIN IMMEDIATE") and self.db is not None:
            self.db.begin()
            return _Inserted(self.raw.cursor())
        if head.startswith("INSERT") and self.db is not None and "RETURNING" not in sql.upper():
            m = _INSERT_INTO.match(sql)
            if m and m.group(1) in self.db.tables_with_id():
                return _Inserted(self.raw.execute(dialect.Postgres.sql(sql + " RETURNING id"), list(params)))
        return self.raw.execute(dialect.Postgres.sql(sql), list(params))

    def cursor(self):
        return _Cursor(self.raw)

    def executemany(self, sql: str, rows):
        with self.raw.cursor() as cur:
            cur.executemany(dialect.Postgres.sql(sql), list(rows))
        return None

    def executescript(self, sql: str):
        # DDL written for PostgreSQL (no placeholders): sent as it is.
        self.raw.execute(sql.encode())

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


class PgDatabase(Database):
    engine = "postgresql"
    dialect = dialect.Postgres

    def __init__(self, raw: psycopg.Connection, url: str, unit: str | None):
        self.pgconn = _Conn(raw)
        self.pgconn.db = self
        super().__init__(self.pgconn, dialect.mask_url(url))  # type: ignore[arg-type]
        self.write_errors = (psycopg.errors.LockNotAvailable, psycopg.errors.ReadOnlySqlTransaction,
                             psycopg.errors.InsufficientPrivilege)
        self.integrity_errors = (psycopg.errors.IntegrityError,)
        self.url = url
        self.unit = unit
        self._with_id: set[str] | None = None
        self.schema = dialect.schema_name(unit) if unit else "public"
        self.lock_key = int.from_bytes(hashlib.sha256(f"doithoai:{self.schema}".encode()).digest()[:8], "big", signed=True)

    def tables_with_id(self) -> set[str]:
        if self._with_id is None:
            self._with_id = {r[0] for r in self.pgconn.raw.execute(
                "SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
                "AND table_schema = current_schema()")}
        return self._with_id

    def insert(self, table: str, record: Mapping[str, Any], *, or_ignore: bool = False) -> int:
        """INSERT one record; returns its id (RETURNING id where SQLite has lastrowid)."""
        returning = table in self.tables_with_id()
        found = self.conn.execute(dialect.insert_sql(table, list(record), or_ignore, returning=returning),
                                  list(record.values()))
        row = found.fetchone() if returning else None
        return row[0] if row else 0

    def insert_many(self, table: str, columns: Iterable[str], rows: Iterable[Sequence[Any]], *,
                    or_ignore: bool = False) -> None:
        self.conn.executemany(dialect.insert_sql(table, list(columns), or_ignore), rows)

    # transaction() in db.py calls these
    def begin(self) -> None:
        self.pgconn.raw.execute("BEGIN")
        self.pgconn.raw.execute("SELECT pg_advisory_xact_lock(%s)", [self.lock_key])

    def commit(self) -> None:
        self.pgconn.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.pgconn.raw.execute("ROLLBACK")

    def translate_errors(self):
        return translate_errors(self.url)


LAST_URL: str | None = None  # the server this process talks to (to name it in an error shown late)


def connect(url: str, *, create_schema: bool = False) -> PgDatabase:
    """Connect (password from PGPASSWORD, ~/.pgpass or a service file: libpq reads them) and
    point search_path at the unit's schema."""
    global LAST_URL
    LAST_URL = url
    conninfo, unit = dialect.split_url(url)
    if unit is not None and not dialect.UNIT_RE.match(unit):
        raise DoithoaiError(
            f"Tên đơn vị '{unit}' trong địa chỉ {dialect.mask_url(url)} không hợp lệ.",
            "Tên đơn vị gồm chữ thường không dấu, số, '-' hoặc '_', bắt đầu bằng chữ (ví dụ ?unit=khoen-on).")
    with translate_errors(url):
        raw = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                              application_name="doithoai")
    _like_sqlite(raw)
    db = PgDatabase(raw, url, unit)
    try:
        with translate_errors(url):
            raw.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            if unit is not None:
                exists = raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [db.schema]).fetchone()
                if not exists:
                    if not create_schema:
                        raise DoithoaiError(f"Máy chủ {db.path} chưa có đơn vị '{unit}'.", fix=fix("init.or_db"))
                    raw.execute(f'CREATE SCHEMA IF NOT EXISTS "{db.schema}"')
                raw.execute(f'SET search_path = "{db.schema}", public')
    except BaseException:
        raw.close()
        raise
    return db


class _IntBoolLoader(psycopg.adapt.Loader):
    """A condition read as SQLite gives it: 1 or 0 (no column is boolean; only expressions are)."""

    def load(self, data):
        return 1 if bytes(data) in (b"t", b"\x01") else 0


class _IntNumericLoader(psycopg.adapt.Loader):
    """SUM over integers is numeric on PostgreSQL: an int (as SQLite's SUM), AVG and ratios a float."""

    def load(self, data):
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(text)


def _like_sqlite(raw: psycopg.Connection) -> None:
    raw.adapters.register_loader("bool", _IntBoolLoader)
    raw.adapters.register_loader("numeric", _IntNumericLoader)


def pg_error(url: str, e: psycopg.Error) -> DoithoaiError:
    where = dialect.mask_url(url)
    text = dialect.mask_text(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__, url)
    state = getattr(e, "sqlstate", None) or ""
    if isinstance(e, psycopg.OperationalError) and not state:
        if "password" in text or "authentication" in text:
            return DoithoaiError(
                f"Máy chủ {where} từ chối đăng nhập ({text}).",
                "Kiểm tra tên người dùng trong địa chỉ và mật khẩu trong PGPASSWORD hoặc ~/.pgpass "
                "(không ghi mật khẩu vào địa chỉ).")
        return DoithoaiError(
            f"Không kết nối được máy chủ PostgreSQL {where} ({text}).",
            "Kiểm tra địa chỉ máy chủ, cổng, tên cơ sở dữ liệu và mạng; hỏi quản trị viên nếu máy chủ đang dừng.")
    if state in dialect.RETRY_SQLSTATES:
        busy = DoithoaiError(
            f"Máy chủ {where} đang bận ghi cho người khác quá lâu; chưa ghi gì.",
            "Chạy lại lệnh sau ít giây.")
        busy.retry = True  # type: ignore[attr-defined]
        return busy
    if state == "42501":
        return DoithoaiError(
            f"Tài khoản không có quyền với dữ liệu này trên {where} ({text}); chưa ghi gì.",
            "Hỏi quản trị viên cấp quyền (GRANT) cho tài khoản trên lược đồ của đơn vị.")
    if state.startswith("23"):
        return DoithoaiError(f"Dữ liệu vi phạm ràng buộc trên {where} ({text}); chưa ghi gì.", fix=fix("db.check"))
    return DoithoaiError(f"Lỗi cơ sở dữ liệu {where}: {text}.", fix=fix("db.check"))


@contextlib.contextmanager
def translate_errors(url: str):
    try:
        yield
    except psycopg.Error as e:
        raise pg_error(url, e) from None


def retryable(e: BaseException) -> bool:
    return isinstance(e, psycopg.Error) and getattr(e, "sqlstate", None) in dialect.RETRY_SQLSTATES


def retrying(db: PgDatabase, work, attempts: int = dialect.RETRIES):
    """Run `work(db)` in one transaction, again from the start on a serialization failure,
    deadlock or lock timeout (short transactions make a retry cheap)."""
    from doithoai.db import transaction

    for attempt in range(attempts):
        try:
            with transaction(db):
                return work(db)
        except psycopg.Error as e:
            if not retryable(e) or attempt == attempts - 1:
                raise pg_error(db.url, e) from None
            time.sleep(0.05 * (attempt + 1))
        except DoithoaiError as e:  # translated at BEGIN or COMMIT
            if not getattr(e, "retry", False) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


def data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "doithoai")


__all__ = ["PgDatabase", "connect", "pg_error", "retrying", "translate_errors"]
