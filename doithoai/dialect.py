"""Where the two engines differ: SQLite (the embedded default) and PostgreSQL (a shared server).

Services write one SQL text in the SQLite form every query already has (`?` placeholders,
`INSERT OR IGNORE`, `IFNULL`, a column called `user`); on PostgreSQL `Postgres.sql` rewrites it
once (cached) into the server's form. Every other difference — connection URLs and their
masking, inserted ids, error translation and retry, the schema's DDL types — lives here too, so
no service grows engine branches. Nothing here imports psycopg: that happens only when a
PostgreSQL URL is opened (`doithoai.pg`), so start-up stays light.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

URL_PREFIXES = ("postgresql://", "postgres://")

# Words SQLite lets us use as bare column names that PostgreSQL reserves.
RESERVED = ("user",)


def is_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith(URL_PREFIXES)


def mask_url(url: str) -> str:
    """The URL as it may be shown: the password (if one was written into it) replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://***"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


def mask_text(text: str, url: str) -> str:
    """Any message that may quote the URL or its password, with the password removed."""
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    text = text.replace(url, mask_url(url))
    if password:
        text = text.replace(password, "***")
    return text


UNIT_RE = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


def split_url(url: str) -> tuple[str, str | None]:
    """(the connection string for libpq, the unit) — `?unit=khoen-on` is ours, not libpq's;
    everything else (sslmode, service, options=-csearch_path=…) goes to libpq unchanged."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    unit = next((v for k, v in query if k == "unit"), None)
    rest = "&".join(f"{k}={v}" for k, v in query if k != "unit")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment)), unit


def schema_name(unit: str) -> str:
    """The PostgreSQL schema of a unit: `khoen-on` → `khoen_on` (a plain identifier)."""
    return unit.replace("-", "_")


def local_state_path(url: str, suffix: str):
    """Where a server base's local files (anchors, last check) live on this machine:
    $XDG_DATA_HOME/doithoai/servers/<host>_<port>_<db>_<unit><suffix>, owner-only folder."""
    import os
    from pathlib import Path

    parts = urlsplit(split_url(url)[0])
    unit = split_url(url)[1] or "public"
    name = "_".join(x for x in (parts.hostname or "local", str(parts.port or 5432), parts.path.strip("/") or "db", unit))
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folder = Path(base) / "doithoai" / "servers"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / (name + suffix)


class SQLite:
    name = "sqlite"
    placeholder = "?"
    # db check: page checks (None: not this engine's job), trigger names, row-note triggers
    QUICK_CHECK: str | None = "PRAGMA quick_check"
    INTEGRITY_CHECK: str | None = "PRAGMA integrity_check"
    FOREIGN_KEY_CHECK: str | None = "PRAGMA foreign_key_check"
    TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    # the newest seal of each row of a table (SQLite takes the bare columns from the max row)
    LATEST_SEALS = "SELECT row_id, digest, max(event_id) FROM row_seals WHERE tbl = ? GROUP BY row_id ORDER BY row_id"

    @staticmethod
    def touched_triggers(tables) -> set[str]:
        return {f"{t}_touched_{op}" for t in tables for op in ("insert", "update", "delete")}

    @staticmethod
    def sql(text: str) -> str:
        return text


def _outside_strings(text: str):
    """Yield (is_code, piece) over the SQL text, string literals and quoted names kept whole."""
    for piece in re.split(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")", text):
        if piece:
            yield not piece.startswith(("'", '"')), piece


_RESERVED_RE = re.compile(r"(?<![\w.\"])(" + "|".join(RESERVED) + r")\b(?!\s*\()", re.IGNORECASE)
_OR_IGNORE_RE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_IFNULL_RE = re.compile(r"\bIFNULL\s*\(", re.IGNORECASE)
# SQLite functions and names with a PostgreSQL spelling (same meaning for how they are used).
_FUNCTIONS = [
    (re.compile(r"\bgroup_concat\s*\(", re.IGNORECASE), "string_agg("),
    (re.compile(r"\bchar\s*\(\s*10\s*\)", re.IGNORECASE), "chr(10)"),
    (re.compile(r"\binstr\s*\(", re.IGNORECASE), "strpos("),
    (re.compile(r"\btemp\.", re.IGNORECASE), "pg_temp."),
    (re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE), ""),  # the planner chooses
    # a scratch table's insertion order (it is emptied and refilled, never updated)
    (re.compile(r"(FROM pg_temp\.\w+) ORDER BY rowid\b", re.IGNORECASE), r"\1 ORDER BY ctid"),
    # a JSON array parameter as rows: ids are numbers (compared with an id, or unioned with ids), codes text
    (re.compile(r"((?:\b\w+\.)?\w*id IN \(|UNION ALL )SELECT value FROM json_each\(%s\)", re.IGNORECASE),
     r"\1SELECT value::bigint FROM json_array_elements_text(%s::json) AS value"),
    (re.compile(r"SELECT value FROM json_each\(%s\)", re.IGNORECASE),
     "SELECT value FROM json_array_elements_text(%s::json) AS value"),
]
# The 0/1 flag columns SQLite reads as conditions (`WHERE a.active`, `CASE WHEN p.complex`);
# PostgreSQL wants a boolean there: `a.active <> 0`.
FLAGS = ("active", "complex", "speak", "is_organisation", "shipped", "manual_due", "resolved", "accepted", "escalated")
_FLAG_RE = re.compile(r"\b(WHERE|AND|OR|NOT|WHEN|ON|HAVING)(\s+\(?\s*)((?:\w+\.)?(?:" + "|".join(FLAGS) + r"))\b"
                      r"(?!\s*(?:=|<>|!=|<|>|\bIS\b|\bIN\b|\bNOT\b|\+|-|\*|/|,|\bAS\b|\())", re.IGNORECASE)
# SQLite's `a IS b` / `a IS NOT b` between values (NULL-safe equality)
_IS_VALUE_RE = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|TRUE\b|FALSE\b|NOT\b|DISTINCT\b)(?=[\w.?(])", re.IGNORECASE)
_NULL_PARAM_RE = re.compile(r"\?(\s+IS\s+(?:NOT\s+)?NULL\b)", re.IGNORECASE)
_CONST_WHERE_RE = re.compile(r"\b(WHERE|AND|OR)\s+([01])\b(?!\s*(?:=|<>|!=|<|>|\+|-|\*|/))", re.IGNORECASE)
_UNTYPED_TEMP_RE = re.compile(r"^\s*CREATE TEMP TABLE IF NOT EXISTS (\w+) \(((?:\w+, )*\w+)\)\s*$", re.IGNORECASE)
_TABLE_INFO_RE = re.compile(r"^\s*PRAGMA\s+table_info\s*\(\s*(\w+)\s*\)\s*$", re.IGNORECASE)
_BUSY_RE = re.compile(r"^\s*PRAGMA\s+busy_timeout\s*=\s*(\d+)\s*$", re.IGNORECASE)
_RETURNING_RE = re.compile(r"\bRETURNING\b[^;]*$", re.IGNORECASE)


class Postgres:
    name = "postgresql"
    placeholder = "%s"
    # Pages and foreign keys are the server's business (data checksums, pg_amcheck; foreign
    # keys cannot be switched off by a client): db check reads the chain, seals and rows.
    QUICK_CHECK: str | None = None
    INTEGRITY_CHECK: str | None = None
    FOREIGN_KEY_CHECK: str | None = None
    TRIGGERS = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal")
    LATEST_SEALS = ("SELECT DISTINCT ON (row_id) row_id, digest, event_id FROM row_seals WHERE tbl = ? "
                    "ORDER BY row_id, event_id DESC")

    @staticmethod
    def touched_triggers(tables) -> set[str]:
        return {f"{t}_touched" for t in tables}

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def sql(text: str) -> str:
        """The SQLite-form text in PostgreSQL's form (done once per distinct text)."""
        out = []
        ignore = False
        for code, piece in _outside_strings(text):
            if code:
                piece = _NULL_PARAM_RE.sub(r"CAST(? AS TEXT)\1", piece)  # `? IS NULL`: a type to test
                piece = _IS_VALUE_RE.sub(lambda m: "IS DISTINCT FROM " if m.group(1) else "IS NOT DISTINCT FROM ", piece)
                piece = _CONST_WHERE_RE.sub(r"\1 (\2 <> 0)", piece)
                piece = piece.replace("%", "%%").replace("?", "%s")
                if _OR_IGNORE_RE.search(piece):
                    ignore = True
                    piece = _OR_IGNORE_RE.sub("INSERT INTO", piece)
                piece = _IFNULL_RE.sub("COALESCE(", piece)
                for pattern, repl in _FUNCTIONS:
                    piece = pattern.sub(repl, piece)
                piece = _FLAG_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)} <> 0", piece)
                piece = _RESERVED_RE.sub(lambda m: f'"{m.group(1).lower()}"', piece)
            else:
                piece = piece.replace("%", "%%")
            out.append(piece)
        result = "".join(out)
        if result.lstrip()[:11].upper() == "CREATE TEMP":  # SQLite's INTEGER is 64-bit
            result = re.sub(r"\bINTEGER\b", "BIGINT", result, flags=re.IGNORECASE)
        untyped = _UNTYPED_TEMP_RE.match(result)
        if untyped:  # SQLite's typeless scratch table of petitions' columns: typed from petitions
            return (f"CREATE TEMP TABLE IF NOT EXISTS {untyped.group(1)} AS SELECT {untyped.group(2)} FROM petitions "
                    "WITH NO DATA")
        info = _TABLE_INFO_RE.match(result)
        if info:  # the column list, as SQLite's PRAGMA table_info gives it (cid, name, type, …)
            return ("SELECT ordinal_position - 1 AS cid, column_name AS name, data_type AS type, "
                    "(is_nullable = 'NO')::int AS notnull, column_default AS dflt_value, 0 AS pk "
                    "FROM information_schema.columns WHERE table_schema = current_schema() "
                    f"AND table_name = '{info.group(1)}' ORDER BY ordinal_position")
        busy = _BUSY_RE.match(result)
        if busy:  # how long a statement waits for a lock
            return f"SET lock_timeout = {busy.group(1)}"
        if ignore:
            stripped = result.rstrip().rstrip(";")
            m = _RETURNING_RE.search(stripped)
            if m:
                result = f"{stripped[:m.start()].rstrip()} ON CONFLICT DO NOTHING {m.group(0)}"
            else:
                result = f"{stripped} ON CONFLICT DO NOTHING"
        return result


def like_substring(word: str) -> str:
    """A LIKE pattern (ESCAPE '\\') that holds `word` anywhere, % and _ taken literally."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def insert_sql(table: str, columns: list[str], or_ignore: bool, *, returning: bool = False) -> str:
    """The one INSERT text (SQLite form); on PostgreSQL `returning` asks for the new id."""
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    text = f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    return text + " RETURNING id" if returning else text


# ---------------------------------------------------------------- schema (DDL) translation

_DDL_SUBS = [
    (re.compile(r"\bINTEGER PRIMARY KEY\b(?!\s*\()", re.IGNORECASE), "BIGINT PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.IGNORECASE), "BIGINT"),
    (re.compile(r"\bBLOB\b", re.IGNORECASE), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT ROWID", re.IGNORECASE), ")"),
    (re.compile(r"\bIFNULL\s*\(", re.IGNORECASE), "COALESCE("),
]


def pg_ddl(text: str) -> str:
    """SQLite CREATE TABLE / INDEX / ALTER text in PostgreSQL's form (types, reserved names)."""
    out = []
    for code, piece in _outside_strings(text):
        if code:
            piece = re.sub(r"--[^\n]*", "", piece)
            for pattern, repl in _DDL_SUBS:
                piece = pattern.sub(repl, piece)
            piece = _RESERVED_RE.sub(lambda m: f'"{m.group(1).lower()}"', piece)
        out.append(piece)
    return "".join(out)


# ---------------------------------------------------------------- errors

# SQLSTATEs worth retrying the whole transaction for: serialization failure, deadlock,
# lock not available.
RETRY_SQLSTATES = ("40001", "40P01", "55P03")
RETRIES = 5
